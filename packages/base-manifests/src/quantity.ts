/**
 * Sizes as Kubernetes and the JVM spell them, in bytes: Kubernetes quantities (`512Mi`, `2.6G`,
 * `1e9`) and Java heap sizes (`-Xmx2g`). Pure; unparsable input is `null` (the `schema` check
 * reports malformed quantities, so the semantic checks skip them).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 * @see https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html (-Xmx size: k, m, g, t; binary)
 */

const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/**
 * The value of a Kubernetes quantity (`50Gi` → 53687091200, `500m` → 0.5, `2.6G` → 2.6e9), or
 * `null` when `quantity` is not one. Numbers (a YAML `memory: 1000000`) are taken as they are.
 */
export function quantityValue(quantity: unknown): number | null {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : null;
  if (typeof quantity !== 'string') return null;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][-+]?[0-9]+)|([KMGTPE]i)|([numkMGTPE]))?$/.exec(quantity.trim());
  if (!m) return null;
  const number = Number(m[1]);
  if (m[2]) return Number(`${m[1]}${m[2]}`);
  if (m[3]) return number * BINARY[m[3]]!;
  return number * DECIMAL[m[4] ?? '']!;
}

/**
 * The maximum heap (`-Xmx`) of a JVM options string, in bytes: the last `-Xmx<size>` wins, as the
 * JVM takes the last occurrence (`-Xms2g -Xmx2g` → 2147483648; units k, m, g, t are binary). `null`
 * when there is none (Elasticsearch then sizes the heap itself from the container's memory).
 */
export function javaMaxHeapBytes(options: string): number | null {
  const all = [...options.matchAll(/(?:^|\s)-Xmx([0-9]+)([kKmMgGtT]?)(?=\s|$)/g)];
  const last = all.at(-1);
  if (!last) return null;
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[last[2]!.toLowerCase()]!;
  return Number(last[1]) * unit;
}

/** Bytes as the nearest readable binary size (`2147483648` → `2Gi`, `150000000` → `143Mi`). */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 0).replace(/\.?0+$/, '')}${unit}`;
    }
  }
  return `${bytes}B`;
}
