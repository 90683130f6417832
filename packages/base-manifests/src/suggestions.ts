/**
 * "Did you mean": the one edit distance of the project (spec fields, schema fields, flags), and
 * how close a candidate must be to be suggested.
 */

/** Optimal-string-alignment edit distance: insertions, deletions, substitutions and adjacent swaps count 1 each. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * Candidates ranked by closeness to `word` (case-insensitive; ties alphabetical), and the closest
 * when it is within max(1, ⌊length/3⌋) edits (the longer of the two lengths) and not `word` itself.
 */
export function rankByCloseness(word: string, candidates: Iterable<string>): { ranked: string[]; suggestion: string | undefined } {
  const lower = word.toLowerCase();
  const scored = [...candidates].map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }));
  scored.sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0));
  const best = scored[0];
  const limit = Math.max(1, Math.floor(Math.max(word.length, best?.candidate.length ?? 0) / 3));
  const suggestion = best && best.distance <= limit && best.candidate !== word ? best.candidate : undefined;
  return { ranked: scored.map((s) => s.candidate), suggestion };
}

/** The candidate to suggest for `word`, if one is close enough (see `rankByCloseness`). */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  return rankByCloseness(word, candidates).suggestion;
}
