/**
 * Pod Security Standards evaluator: the checks of the Pod Security Admission controller, level
 * `baseline` or `restricted`, at policy version v1.33 ("latest" for Kubernetes 1.33), applied to
 * one pod or pod template. Each check carries its upstream CheckID and reports one violation per
 * offending field, with the JSON pointer (RFC 6901) of that field.
 *
 * Ported from kubernetes/pod-security-admission, policy/check_*.go (rules in force at v1.33):
 * baseline appArmorProfile, capabilities_baseline, hostNamespaces, hostPathVolumes, hostPorts,
 * privileged, procMount, seccompProfile_baseline, seLinuxOptions, sysctls, windowsHostProcess;
 * restricted allowPrivilegeEscalation, capabilities_restricted, restrictedVolumes, runAsNonRoot,
 * runAsUser, seccompProfile_restricted. Not included: hostProbesAndHostLifecycle (1.34+), the
 * procMount relaxation for `hostUsers: false` (1.35+), and the opt-in user-namespace relaxation
 * of runAsNonRoot/runAsUser (off by default upstream).
 *
 * One difference in reporting, not in outcome: upstream's restricted level replaces
 * hostPathVolumes, capabilities_baseline and seccompProfile_baseline by their stricter restricted
 * checks (OverrideCheckIDs in policy/registry.go); here they are still reported at restricted, so
 * a hostPath volume yields both a `baseline` and a `restricted` violation. They are skipped for
 * Windows pods (spec.os.name: windows), the only case where the restricted check is laxer, so a
 * pod is admitted exactly when upstream admits it.
 * @see https://github.com/kubernetes/pod-security-admission/tree/master/policy
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

import type { PodSecurityLevel } from '@clearml-k8s/overlay-composer';
import { escapePointerToken } from '@clearml-k8s/base-manifests';

/** Pod Security Standards levels (defined with the profiles, which declare one each). */
export type { PodSecurityLevel };

/** The three levels, least to most restrictive. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = Object.freeze(['privileged', 'baseline', 'restricted'] as const);

/** One broken rule at one field of the pod. */
export interface PodSecurityViolation {
  /** Upstream check id, e.g. 'hostPathVolumes', 'privileged', 'runAsNonRoot', 'seccompProfile_restricted', 'capabilities_baseline' ... as named in pod-security-admission policy/check_*.go (the CheckID strings). */
  rule: string;
  /** The level whose rule is broken. */
  level: 'baseline' | 'restricted';
  /** JSON pointer (RFC 6901) of the offending field, relative to the pod object (an object with `metadata` and `spec`), e.g. '/spec/containers/0/securityContext/privileged', '/spec/volumes/2/hostPath', '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1container1'. When a required field is missing, point at where it must be set (e.g. '/spec/containers/0/securityContext/allowPrivilegeEscalation'). */
  path: string;
  /** What is wrong: expected vs received, e.g. "container \"es\" sets privileged: true; baseline forbids privileged containers". */
  message: string;
  /** How to fix, one sentence. */
  hint: string;
}

/** Capabilities baseline lets containers add (the container runtime's default set). */
export const BASELINE_ALLOWED_CAPABILITIES: readonly string[] = Object.freeze(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Safe sysctls baseline allows at v1.33 (sets of 1.0, 1.27, 1.29 and 1.32 combined). */
export const BASELINE_ALLOWED_SYSCTLS: readonly string[] = Object.freeze([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start', // 1.0
  'net.ipv4.ip_local_reserved_ports', // 1.27
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', // 1.29
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', // 1.32
]);

/** SELinux types baseline allows at v1.33 ('' is unset; container_engine_t since 1.31). */
export const BASELINE_ALLOWED_SELINUX_TYPES: readonly string[] = Object.freeze(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Inline volume sources restricted allows (a volume without any source defaults to emptyDir). */
export const RESTRICTED_ALLOWED_VOLUME_TYPES: readonly string[] = Object.freeze(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const set = (v: unknown): boolean => v !== undefined && v !== null;
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
const quoteList = (items: readonly string[]): string => items.map((i) => i || '""').join(', ');
/** Escapes one JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`). */
const token = escapePointerToken;

/** A container of any kind, with where it sits and how to name it in messages. */
interface ContainerRef {
  /** `securityContext` of the container, if it is an object. */
  sc: Json | undefined;
  container: Json;
  /** JSON pointer of the container, e.g. `/spec/initContainers/1`. */
  path: string;
  /** e.g. `init container "setup"`. */
  who: string;
}

/** The parts of a pod the checks read, normalised so that odd input reads as unset. */
interface PodView {
  annotations: Json;
  spec: Json;
  /** `spec.securityContext`, if it is an object. */
  psc: Json | undefined;
  containers: ContainerRef[];
  windows: boolean;
}

type Report = (path: string, message: string) => void;

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  hint: string;
  /** Restricted check that replaces this baseline check upstream (see the module comment). */
  overriddenBy?: string;
  run: (pod: PodView, report: Report) => void;
}

const CONTAINER_KINDS = [
  ['containers', 'container'],
  ['initContainers', 'init container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

function view(pod: unknown): PodView {
  const root = obj(pod) ?? {};
  const spec = obj(root.spec) ?? {};
  const containers: ContainerRef[] = [];
  for (const [field, kind] of CONTAINER_KINDS) {
    arr(spec[field]).forEach((value, index) => {
      const container = obj(value) ?? {};
      const name = typeof container.name === 'string' ? container.name : `#${index}`;
      containers.push({ container, sc: obj(container.securityContext), path: `/spec/${field}/${index}`, who: `${kind} ${show(name)}` });
    });
  }
  return { annotations: obj(obj(root.metadata)?.annotations) ?? {}, spec, psc: obj(spec.securityContext), containers, windows: obj(spec.os)?.name === 'windows' };
}

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const validSeccomp = (type: unknown): boolean => type === 'RuntimeDefault' || type === 'Localhost';

/** Both levels' checks in upstream order: baseline then restricted, each sorted by id (byte order). */
const CHECKS: readonly Check[] = [
  {
    id: 'appArmorProfile', level: 'baseline',
    hint: 'Use AppArmor profile type RuntimeDefault or Localhost (annotation value runtime/default or localhost/<profile>), or leave it unset.',
    run: (pod, report) => {
      const checkProfile = (path: string, who: string, profile: Json | undefined) => {
        if (profile && profile.type !== 'RuntimeDefault' && profile.type !== 'Localhost') report(`${path}/appArmorProfile/type`, `${who} sets appArmorProfile.type: ${show(profile.type ?? '')}; baseline allows only RuntimeDefault or Localhost`);
      };
      checkProfile('/spec/securityContext', 'pod', obj(pod.psc?.appArmorProfile));
      for (const c of pod.containers) checkProfile(`${c.path}/securityContext`, c.who, obj(c.sc?.appArmorProfile));
      for (const [key, value] of Object.entries(pod.annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
        const profile = typeof value === 'string' ? value : show(value);
        if (profile === '' || profile === 'runtime/default' || profile.startsWith('localhost/')) continue;
        report(`/metadata/annotations/${token(key)}`, `annotation ${key} is ${show(profile)}; baseline allows only "runtime/default", "localhost/<profile>" or empty`);
      }
    },
  },
  {
    id: 'capabilities_baseline', level: 'baseline', overriddenBy: 'capabilities_restricted',
    hint: `Add only capabilities from the default set (${BASELINE_ALLOWED_CAPABILITIES.join(', ')}), spelled in upper case without the CAP_ prefix.`,
    run: (pod, report) => {
      for (const c of pod.containers) {
        arr(obj(c.sc?.capabilities)?.add).forEach((cap, i) => {
          if (typeof cap !== 'string' || !BASELINE_ALLOWED_CAPABILITIES.includes(cap)) report(`${c.path}/securityContext/capabilities/add/${i}`, `${c.who} adds capability ${show(cap)}; baseline allows adding only ${BASELINE_ALLOWED_CAPABILITIES.join(', ')}`);
        });
      }
    },
  },
  {
    id: 'hostNamespaces', level: 'baseline',
    hint: 'Remove the field or set it to false; the pod must not share the host network, PID or IPC namespace.',
    run: (pod, report) => {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
        if (pod.spec[field] === true) report(`/spec/${field}`, `pod sets ${field}: true; baseline forbids sharing host namespaces`);
      }
    },
  },
  {
    id: 'hostPathVolumes', level: 'baseline', overriddenBy: 'restrictedVolumes',
    hint: 'Replace the hostPath volume with emptyDir, a configMap or secret, or a persistentVolumeClaim.',
    run: (pod, report) => {
      arr(pod.spec.volumes).forEach((v, i) => {
        const volume = obj(v);
        if (set(volume?.hostPath)) report(`/spec/volumes/${i}/hostPath`, `volume ${show(volume?.name)} uses hostPath ${show(obj(volume?.hostPath)?.path)}; baseline forbids hostPath volumes`);
      });
    },
  },
  {
    id: 'hostPorts', level: 'baseline',
    hint: 'Remove hostPort (or set it to 0) and expose the port through a Service.',
    run: (pod, report) => {
      for (const c of pod.containers) {
        arr(c.container.ports).forEach((p, i) => {
          const hostPort = obj(p)?.hostPort;
          if (set(hostPort) && Number(hostPort) !== 0) report(`${c.path}/ports/${i}/hostPort`, `${c.who} sets hostPort: ${show(hostPort)}; baseline requires hostPort unset or 0`);
        });
      }
    },
  },
  {
    id: 'privileged', level: 'baseline',
    hint: 'Remove securityContext.privileged or set it to false.',
    run: (pod, report) => {
      for (const c of pod.containers) {
        if (c.sc?.privileged === true) report(`${c.path}/securityContext/privileged`, `${c.who} sets privileged: true; baseline forbids privileged containers`);
      }
    },
  },
  {
    id: 'procMount', level: 'baseline',
    hint: 'Remove securityContext.procMount or set it to Default.',
    run: (pod, report) => {
      for (const c of pod.containers) {
        const procMount = c.sc?.procMount;
        if (set(procMount) && procMount !== 'Default') report(`${c.path}/securityContext/procMount`, `${c.who} sets procMount: ${show(procMount)}; baseline requires Default or unset`);
      }
    },
  },
  {
    id: 'seLinuxOptions', level: 'baseline',
    hint: `Leave seLinuxOptions.user and .role empty and set .type only to one of ${quoteList(BASELINE_ALLOWED_SELINUX_TYPES.slice(1))} (or leave it empty).`,
    run: (pod, report) => {
      const checkOptions = (path: string, who: string, options: Json | undefined) => {
        if (!options) return;
        const type = options.type ?? '';
        if (typeof type !== 'string' || !BASELINE_ALLOWED_SELINUX_TYPES.includes(type)) report(`${path}/seLinuxOptions/type`, `${who} sets seLinuxOptions.type: ${show(type)}; baseline allows only ${quoteList(BASELINE_ALLOWED_SELINUX_TYPES)}`);
        for (const field of ['user', 'role']) {
          const value = options[field];
          if (set(value) && value !== '') report(`${path}/seLinuxOptions/${field}`, `${who} sets seLinuxOptions.${field}: ${show(value)}; baseline forbids a custom SELinux ${field}`);
        }
      };
      checkOptions('/spec/securityContext', 'pod', obj(pod.psc?.seLinuxOptions));
      for (const c of pod.containers) checkOptions(`${c.path}/securityContext`, c.who, obj(c.sc?.seLinuxOptions));
    },
  },
  {
    id: 'seccompProfile_baseline', level: 'baseline', overriddenBy: 'seccompProfile_restricted',
    hint: 'Set seccompProfile.type to RuntimeDefault or Localhost, or remove seccompProfile.',
    run: (pod, report) => {
      const checkProfile = (path: string, who: string, profile: Json | undefined) => {
        if (profile && !validSeccomp(profile.type)) report(`${path}/seccompProfile/type`, `${who} sets seccompProfile.type: ${show(profile.type ?? '')}; baseline allows only RuntimeDefault, Localhost or unset`);
      };
      checkProfile('/spec/securityContext', 'pod', obj(pod.psc?.seccompProfile));
      for (const c of pod.containers) checkProfile(`${c.path}/securityContext`, c.who, obj(c.sc?.seccompProfile));
    },
  },
  {
    id: 'sysctls', level: 'baseline',
    hint: 'Remove the sysctl, or set it on the node instead; pods may set only namespaced, isolated sysctls.',
    run: (pod, report) => {
      arr(pod.psc?.sysctls).forEach((s, i) => {
        const name = obj(s)?.name;
        if (typeof name !== 'string' || !BASELINE_ALLOWED_SYSCTLS.includes(name)) report(`/spec/securityContext/sysctls/${i}/name`, `pod sets sysctl ${show(name)}; baseline allows only ${BASELINE_ALLOWED_SYSCTLS.join(', ')}`);
      });
    },
  },
  {
    id: 'windowsHostProcess', level: 'baseline',
    hint: 'Remove windowsOptions.hostProcess or set it to false.',
    run: (pod, report) => {
      const checkOptions = (path: string, who: string, sc: Json | undefined) => {
        if (obj(sc?.windowsOptions)?.hostProcess === true) report(`${path}/windowsOptions/hostProcess`, `${who} sets windowsOptions.hostProcess: true; baseline forbids Windows HostProcess containers`);
      };
      checkOptions('/spec/securityContext', 'pod', pod.psc);
      for (const c of pod.containers) checkOptions(`${c.path}/securityContext`, c.who, c.sc);
    },
  },
  {
    id: 'allowPrivilegeEscalation', level: 'restricted',
    hint: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
    run: (pod, report) => {
      if (pod.windows) return; // upstream 1.25+: Windows pods are exempt
      for (const c of pod.containers) {
        const value = c.sc?.allowPrivilegeEscalation;
        if (value !== false) report(`${c.path}/securityContext/allowPrivilegeEscalation`, `${c.who} ${set(value) ? `sets allowPrivilegeEscalation: ${show(value)}` : 'leaves allowPrivilegeEscalation unset'}; restricted requires false`);
      }
    },
  },
  {
    id: 'capabilities_restricted', level: 'restricted',
    hint: 'Set securityContext.capabilities.drop: ["ALL"] and add back at most NET_BIND_SERVICE.',
    run: (pod, report) => {
      if (pod.windows) return; // upstream 1.25+: Windows pods are exempt
      for (const c of pod.containers) {
        const caps = obj(c.sc?.capabilities);
        const drop = arr(caps?.drop);
        if (!drop.includes('ALL')) report(`${c.path}/securityContext/capabilities/drop`, `${c.who} ${set(caps?.drop) ? `sets capabilities.drop: ${show(caps?.drop)}` : 'leaves capabilities.drop unset'}; restricted requires drop to include "ALL"`);
        arr(caps?.add).forEach((cap, i) => {
          if (cap !== 'NET_BIND_SERVICE') report(`${c.path}/securityContext/capabilities/add/${i}`, `${c.who} adds capability ${show(cap)}; restricted allows adding only NET_BIND_SERVICE`);
        });
      }
    },
  },
  {
    id: 'restrictedVolumes', level: 'restricted',
    hint: `Use only ${RESTRICTED_ALLOWED_VOLUME_TYPES.join(', ')} volumes; reach other storage through a PersistentVolumeClaim.`,
    run: (pod, report) => {
      arr(pod.spec.volumes).forEach((v, i) => {
        const volume = obj(v) ?? {};
        const sources = Object.keys(volume).filter((key) => key !== 'name' && set(volume[key]));
        // No source at all: the API server defaults it to emptyDir.
        if (sources.length === 0 || sources.some((key) => RESTRICTED_ALLOWED_VOLUME_TYPES.includes(key))) return;
        const type = sources[0] ?? 'unknown';
        report(`/spec/volumes/${i}/${token(type)}`, `volume ${show(volume.name)} uses volume type ${show(type)}; restricted allows only ${RESTRICTED_ALLOWED_VOLUME_TYPES.join(', ')}`);
      });
    },
  },
  {
    id: 'runAsNonRoot', level: 'restricted',
    hint: 'Set securityContext.runAsNonRoot: true on the pod (or on every container) and do not set it to false anywhere.',
    run: (pod, report) => {
      const podValue = pod.psc?.runAsNonRoot;
      if (podValue === false) report('/spec/securityContext/runAsNonRoot', 'pod sets runAsNonRoot: false; restricted requires true');
      for (const c of pod.containers) {
        const value = c.sc?.runAsNonRoot;
        if (value === false) report(`${c.path}/securityContext/runAsNonRoot`, `${c.who} sets runAsNonRoot: false; restricted requires true`);
        else if (value !== true && podValue !== true) report(`${c.path}/securityContext/runAsNonRoot`, `${c.who} leaves runAsNonRoot unset and the pod does not set runAsNonRoot: true; restricted requires true on the pod or on every container`);
      }
    },
  },
  {
    id: 'runAsUser', level: 'restricted',
    hint: 'Set runAsUser to a non-zero UID, or remove it and let the image user (with runAsNonRoot: true) apply.',
    run: (pod, report) => {
      if (pod.psc?.runAsUser === 0) report('/spec/securityContext/runAsUser', 'pod sets runAsUser: 0; restricted forbids running as root (UID 0)');
      for (const c of pod.containers) {
        if (c.sc?.runAsUser === 0) report(`${c.path}/securityContext/runAsUser`, `${c.who} sets runAsUser: 0; restricted forbids running as root (UID 0)`);
      }
    },
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted',
    hint: 'Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, and do not set Unconfined on any container.',
    run: (pod, report) => {
      if (pod.windows) return; // upstream 1.25+: Windows pods are exempt
      const podProfile = obj(pod.psc?.seccompProfile);
      if (podProfile && !validSeccomp(podProfile.type)) report('/spec/securityContext/seccompProfile/type', `pod sets seccompProfile.type: ${show(podProfile.type ?? '')}; restricted allows only RuntimeDefault or Localhost`);
      const podValid = podProfile !== undefined && validSeccomp(podProfile.type);
      for (const c of pod.containers) {
        const profile = obj(c.sc?.seccompProfile);
        if (profile && !validSeccomp(profile.type)) report(`${c.path}/securityContext/seccompProfile/type`, `${c.who} sets seccompProfile.type: ${show(profile.type ?? '')}; restricted allows only RuntimeDefault or Localhost`);
        else if (!profile && !podValid) report(`${c.path}/securityContext/seccompProfile`, `${c.who} has no seccompProfile and the pod sets no valid one; restricted requires RuntimeDefault or Localhost on the pod or on every container`);
      }
    },
  },
];

/**
 * Evaluates one pod against a Pod Security Standards level, with the v1.33 rules.
 *
 * @param pod a Pod object or a pod template: `{ metadata?: { annotations?, labels? }, spec: PodSpec }`
 *   as plain JSON (e.g. parsed YAML). Missing or mistyped fields read as unset; never throws.
 * @param level 'privileged' (always admitted), 'baseline', or 'restricted' (baseline rules included).
 * @returns every violation, baseline ones first, in upstream check order and then document order;
 *   `[]` when the pod is admitted at `level`.
 */
export function evaluatePodSecurity(pod: unknown, level: PodSecurityLevel): PodSecurityViolation[] {
  if (level !== 'baseline' && level !== 'restricted') return [];
  const podView = view(pod);
  const violations: PodSecurityViolation[] = [];
  for (const check of CHECKS) {
    if (check.level === 'restricted' && level === 'baseline') continue;
    // Keep upstream's outcome where the overriding restricted check exempts Windows pods.
    if (level === 'restricted' && check.overriddenBy && podView.windows) continue;
    check.run(podView, (path, message) => violations.push({ rule: check.id, level: check.level, path, message, hint: check.hint }));
  }
  return violations;
}
