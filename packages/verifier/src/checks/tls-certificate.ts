/**
 * Check `tls-certificate`: cert-manager fills each TLS Secret of the build's Ingresses with one
 * certificate that names every host served with it.
 * - ingress-shim (cert-manager's Ingress watcher; its trigger annotations are
 *   `cert-manager.io/cluster-issuer`, `cert-manager.io/issuer`, `kubernetes.io/tls-acme: "true"`)
 *   makes one Certificate per annotated Ingress and `tls[].secretName`, named after the Secret and
 *   owned by that Ingress. Two or more annotated Ingresses naming one Secret (in one namespace), or
 *   one Ingress naming it in two `tls` entries, is a finding on each entry: only the first Ingress
 *   synced owns the Certificate, ingress-shim refuses to update it for the others ("certificate
 *   resource is not owned by this ingress", cert-manager#2271; #2585), so their hosts are served a
 *   certificate without their names. The docs: each annotated Ingress needs a unique `tls.secretName`.
 * - A cert-manager Certificate of the build that writes a Secret an annotated Ingress also names,
 *   under another name than the Secret's: ingress-shim makes a second Certificate for the same
 *   Secret, and the two re-issue it in turn.
 * - A cert-manager Certificate of the build that writes a Secret an Ingress serves: every host of
 *   that Ingress's `tls` entry must be one of its `dnsNames` (a `*.` name covers one label).
 * @see https://cert-manager.io/docs/usage/ingress/#generate-multiple-certificates-with-multiple-ingresses
 * @see https://cert-manager.io/docs/usage/certificate/
 * @see https://github.com/cert-manager/cert-manager/issues/2271
 * @see https://github.com/cert-manager/cert-manager/issues/2585
 */
import { objectId, pointerFromTokens, type ManifestObject } from '@clearml-k8s/base-manifests';
import { CLUSTER_ISSUER_ANNOTATION, hasIngressShimTrigger, ISSUER_ANNOTATION, TLS_ACME_ANNOTATION } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';

/** One `spec.tls` entry of an Ingress. */
interface TlsEntry {
  ingress: any;
  index: number;
  secretName: string;
  hosts: string[];
  shim: boolean;
}

/** The ingress-shim trigger annotation an Ingress carries (for messages and paths). */
function triggerOf(ingress: any): string {
  const a = ingress.metadata?.annotations ?? {};
  return CLUSTER_ISSUER_ANNOTATION in a ? CLUSTER_ISSUER_ANNOTATION : ISSUER_ANNOTATION in a ? ISSUER_ANNOTATION : TLS_ACME_ANNOTATION;
}

/** Whether a certificate name (`api.acme.io`, `*.acme.io`) covers `host` (RFC 6125: a wildcard is one whole left-most label). */
export function certificateNameCovers(name: string, host: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!n.startsWith('*.')) return n === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === n.slice(2);
}

/** Runs the `tls-certificate` check. */
export function checkTlsCertificates(objects: readonly ManifestObject[]): CheckFinding<'tls-certificate'>[] {
  const findings: CheckFinding<'tls-certificate'>[] = [];
  const entries: TlsEntry[] = (objects.filter((o) => o.kind === 'Ingress') as any[]).flatMap((ingress) =>
    (Array.isArray(ingress.spec?.tls) ? ingress.spec.tls : []).flatMap((t: any, index: number) =>
      typeof t?.secretName === 'string' && t.secretName ? [{ ingress, index, secretName: t.secretName, hosts: (Array.isArray(t.hosts) ? t.hosts : []).filter((h: unknown) => typeof h === 'string'), shim: hasIngressShimTrigger(ingress.metadata?.annotations) }] : [],
    ),
  );
  const key = (namespace: unknown, secret: string) => `${String(namespace ?? '')}/${secret}`;
  const bySecret = new Map<string, TlsEntry[]>();
  for (const e of entries) bySecret.set(key(e.ingress.metadata?.namespace, e.secretName), [...(bySecret.get(key(e.ingress.metadata?.namespace, e.secretName)) ?? []), e]);
  const certificates = (objects.filter((o) => o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/')) as any[]).filter((c) => typeof c.spec?.secretName === 'string');

  // 1. ingress-shim: one Secret, several annotated tls entries.
  for (const shared of bySecret.values()) {
    const shim = shared.filter((e) => e.shim);
    if (shim.length < 2) continue;
    for (const e of shim) {
      const others = shim.filter((o) => o !== e).map((o) => (o.ingress === e.ingress ? `its tls[${o.index}]` : `Ingress ${o.ingress.metadata?.name} (${o.hosts.join(', ') || 'no hosts'})`));
      findings.push({
        check: 'tls-certificate',
        resource: objectId(e.ingress),
        path: `/spec/tls/${e.index}/secretName`,
        message: `tls[${e.index}] (${e.hosts.join(', ') || 'no hosts'}) names Secret ${e.secretName}, as ${others.join(' and ')} do, and the Ingress carries ingress-shim's ${triggerOf(e.ingress)}: ingress-shim makes one Certificate per Ingress under that Secret's name and only the first owns it, so the other hosts are served a certificate without their names (cert-manager#2271, #2585)`,
        hint: 'render one cert-manager Certificate for the Secret listing every host and drop the ingress-shim annotations (a site does this from its ingress.annotations), or give each Ingress a Secret of its own',
      });
    }
  }

  for (const certificate of certificates) {
    const namespace = certificate.metadata?.namespace;
    const served = bySecret.get(key(namespace, certificate.spec.secretName)) ?? [];
    // 2. A Certificate of the build and ingress-shim for the same Secret, under two Certificate names.
    if (certificate.metadata?.name !== certificate.spec.secretName) {
      for (const e of served.filter((s) => s.shim)) {
        const trigger = triggerOf(e.ingress);
        findings.push({
          check: 'tls-certificate',
          resource: objectId(e.ingress),
          path: pointerFromTokens(['metadata', 'annotations', trigger]),
          message: `Secret ${e.secretName} is written by ${objectId(certificate)}, and ${trigger} makes ingress-shim create a second Certificate ${e.secretName} for it: the two re-issue the Secret in turn`,
          hint: `drop the ingress-shim annotations from the Ingress: ${objectId(certificate)} already fills the Secret`,
        });
      }
    }
    // 3. Every host served with the Secret is one of the Certificate's names.
    const names: string[] = (Array.isArray(certificate.spec.dnsNames) ? certificate.spec.dnsNames : []).filter((n: unknown) => typeof n === 'string');
    for (const e of served) {
      e.hosts.forEach((host, h) => {
        if (names.some((n) => certificateNameCovers(n, host))) return;
        findings.push({
          check: 'tls-certificate',
          resource: objectId(e.ingress),
          path: `/spec/tls/${e.index}/hosts/${h}`,
          message: `host ${host} is served with Secret ${e.secretName}, which ${objectId(certificate)} fills with a certificate for ${names.length ? names.join(', ') : 'no DNS names'}; clients reject it for ${host}`,
          hint: `add ${host} to spec.dnsNames of ${objectId(certificate)}`,
        });
      });
    }
  }
  return findings;
}

export const tlsCertificateCheck = defineCheck({
  id: 'tls-certificate',
  severity: 'error',
  title: 'cert-manager fills each Ingress TLS Secret with one certificate naming every host served with it',
  description: 'no two ingress-shim-annotated Ingress `tls` entries share a `secretName` (only the first Ingress would own the Certificate: cert-manager#2271, #2585); a cert-manager Certificate of the build and ingress-shim never both write one Secret; every host served with a Certificate\'s Secret is in its `dnsNames`',
  needs: 'build',
  run: ({ objects }) => checkTlsCertificates(objects),
});
