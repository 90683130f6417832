/**
 * Pod Security Standards evaluator: the checks of the Pod Security Admission controller, level
 * `baseline` or `restricted`, at any policy version v1.0 to v1.37 (`latest` is v1.37), applied to
 * one pod or pod template. Each check carries its upstream CheckID and reports one violation per
 * offending field, with the JSON pointer (RFC 6901) of that field.
 *
 * Ported from kubernetes/pod-security-admission, policy/check_*.go at v0.37.0-alpha.2 (commit
 * 648066d9bc612e44cd1b33ab96187e9ae4588a65, the first tags with the v1.37 policy; the newest full
 * release, v0.36.2, has the same checks except the v1.37 sysctls). Every check applies from the
 * `MinimumVersion` upstream gives it, and each versioned variant from its own; the citations are
 * `kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/<file>:<line>` next to each version.
 * What each version adds over the one before:
 * - v1.8 allowPrivilegeEscalation; v1.19 seccompProfile fields (the alpha annotations before);
 *   v1.22 capabilities_restricted; v1.23 runAsUser; v1.25 Windows pods exempt from the Linux-only
 *   restricted checks; v1.27, v1.29, v1.32 more safe sysctls; v1.31 SELinux type container_engine_t;
 * - v1.34 hostProbesAndHostLifecycle: probes and lifecycle hooks must not name a `host`;
 * - v1.35 pods in a user namespace (`spec.hostUsers: false`) may set any procMount at baseline
 *   (restricted keeps the old rule as `procMount_restricted`) and are exempt from runAsNonRoot and
 *   runAsUser (before, upstream gated this on an opt-in switch, off by default; it is dropped there);
 * - v1.36 nothing (v0.36.x changes no policy);
 * - v1.37 safe sysctls net.ipv4.tcp_slow_start_after_idle and net.ipv4.tcp_notsent_lowat.
 *
 * At restricted, a restricted check replaces the baseline checks it overrides at that version
 * (OverrideCheckIDs, policy/registry.go:179), exactly as upstream: a hostPath volume is reported once,
 * as restrictedVolumes.
 * @see https://github.com/kubernetes/pod-security-admission/tree/master/policy
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

import type { PodSecurityLevel } from '@clearml-k8s/overlay-composer';
import { escapePointerToken } from '@clearml-k8s/base-manifests';

/** The newest policy version implemented: v1.37 (the minor of `latest`). */
export const LATEST_MINOR = 37;

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

/**
 * Safe sysctls baseline allows, by the policy version that added them (each version allows its own
 * and all earlier ones): kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/check_sysctls.go:92-116.
 */
export const BASELINE_SYSCTLS_BY_VERSION: readonly (readonly [minor: number, names: readonly string[]])[] = Object.freeze([
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
] as const);

/** Safe sysctls baseline allows at policy version v1.`minor`. */
export function baselineAllowedSysctls(minor: number = LATEST_MINOR): readonly string[] {
  return BASELINE_SYSCTLS_BY_VERSION.filter(([from]) => from <= minor).flatMap(([, names]) => names);
}

/** Safe sysctls baseline allows at `latest` (v1.37). */
export const BASELINE_ALLOWED_SYSCTLS: readonly string[] = Object.freeze(baselineAllowedSysctls());

/**
 * SELinux types baseline allows ('' is unset) from v1.0, and from v1.31 (container_engine_t added):
 * kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/check_seLinuxOptions.go:78-79.
 */
const SELINUX_TYPES_1_0: readonly string[] = Object.freeze(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** SELinux types baseline allows at `latest` ('' is unset; container_engine_t since v1.31). */
export const BASELINE_ALLOWED_SELINUX_TYPES: readonly string[] = Object.freeze([...SELINUX_TYPES_1_0, 'container_engine_t']);

/** Inline volume sources restricted allows (a volume without any source defaults to emptyDir). */
export const RESTRICTED_ALLOWED_VOLUME_TYPES: readonly string[] = Object.freeze(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/** A policy version as the `pod-security.kubernetes.io/enforce-version` label spells it. */
export type PodSecurityVersion = 'latest' | `v1.${number}`;

/** The newest policy version implemented, spelled as a label value. */
export const LATEST_POD_SECURITY_VERSION: PodSecurityVersion = `v1.${LATEST_MINOR}`;

/** upstream's versionRegexp: kubernetes/pod-security-admission@v0.37.0-alpha.2:api/helpers.go:118. */
const VERSION_PATTERN = /^v1\.([0-9]|[1-9][0-9]*)$/;

/**
 * Parses a Pod Security version label value as upstream's api.ParseVersion does
 * (kubernetes/pod-security-admission@v0.37.0-alpha.2:api/helpers.go:123-137): `latest` or `v1.N`
 * (no leading zero). Anything else is an error, and upstream then evaluates at `latest`.
 * @returns `{ version }` ('latest' or 'v1.N'), plus `error` (what was expected) when invalid.
 */
export function parsePodSecurityVersion(value: unknown): { version: PodSecurityVersion; error?: string } {
  if (value === 'latest') return { version: 'latest' };
  const match = typeof value === 'string' ? VERSION_PATTERN.exec(value) : null;
  if (!match || !Number.isSafeInteger(Number(match[1]))) return { version: 'latest', error: 'expected "latest" or "v1.x" (e.g. "v1.35")' };
  return { version: value as PodSecurityVersion };
}

/**
 * The policy minor version a version evaluates at: `latest`, and any version newer than the newest
 * implemented one, evaluate at v1.37, as upstream's evaluator does with versions newer than its
 * checks (kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/registry.go:71-73); an invalid
 * value evaluates at `latest`.
 */
export function policyMinor(version: PodSecurityVersion | undefined): number {
  const parsed = parsePodSecurityVersion(version ?? 'latest');
  if (parsed.version === 'latest') return LATEST_MINOR;
  return Math.min(Number(parsed.version.slice(3)), LATEST_MINOR);
}

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


interface CheckVersion {
  /** Policy minor version this variant applies from (upstream's MinimumVersion, v1.`from`). */
  from: number;
  /** Upstream source of this variant's MinimumVersion. */
  source: string;
  /** Baseline check ids this restricted variant replaces at restricted (upstream OverrideCheckIDs). */
  overrides?: readonly string[];
  run: (pod: PodView, report: Report) => void;
}

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  hint: string;
  /** Variants in increasing `from` order; the last one with `from` <= the evaluated minor applies; none: the check does not exist yet. */
  versions: readonly CheckVersion[];
}

const PSA = 'kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/';
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const validSeccomp = (type: unknown): boolean => type === 'RuntimeDefault' || type === 'Localhost';
/** upstream validSeccompAnnotationValue: check_seccompProfile_baseline.go:80-84. */
const validSeccompAnnotation = (value: unknown): boolean => value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
/** upstream relaxPolicyForUserNamespacePod (policy/helpers.go:41): the pod sets `hostUsers: false`. */
const inUserNamespace = (pod: PodView): boolean => pod.spec.hostUsers === false;
/** A variant that admits Windows pods and otherwise runs `run` (the v1.25 variants of the Linux-only restricted checks). */
const exemptWindows = (run: CheckVersion['run']): CheckVersion['run'] => (pod, report) => {
  if (!pod.windows) run(pod, report);
};
/** A variant that admits pods in a user namespace and otherwise runs `run` (the v1.35 variants). */
const exemptUserNamespace = (run: CheckVersion['run']): CheckVersion['run'] => (pod, report) => {
  if (!inUserNamespace(pod)) run(pod, report);
};

const sysctlsAt = (minor: number): CheckVersion['run'] => {
  const allowed = baselineAllowedSysctls(minor);
  return (pod, report) => {
    arr(pod.psc?.sysctls).forEach((s, i) => {
      const name = obj(s)?.name;
      if (typeof name !== 'string' || !allowed.includes(name)) report(`/spec/securityContext/sysctls/${i}/name`, `pod sets sysctl ${show(name)}; baseline allows only ${allowed.join(', ')}`);
    });
  };
};

const seLinuxOptionsWith = (allowedTypes: readonly string[]): CheckVersion['run'] => (pod, report) => {
  const checkOptions = (path: string, who: string, options: Json | undefined) => {
    if (!options) return;
    const type = options.type ?? '';
    if (typeof type !== 'string' || !allowedTypes.includes(type)) report(`${path}/seLinuxOptions/type`, `${who} sets seLinuxOptions.type: ${show(type)}; baseline allows only ${quoteList(allowedTypes)}`);
    for (const field of ['user', 'role']) {
      const value = options[field];
      if (set(value) && value !== '') report(`${path}/seLinuxOptions/${field}`, `${who} sets seLinuxOptions.${field}: ${show(value)}; baseline forbids a custom SELinux ${field}`);
    }
  };
  checkOptions('/spec/securityContext', 'pod', obj(pod.psc?.seLinuxOptions));
  for (const c of pod.containers) checkOptions(`${c.path}/securityContext`, c.who, obj(c.sc?.seLinuxOptions));
};

/** upstream procMount_1_0 (check_procMount_baseline.go:64): any container with procMount other than Default. */
const procMountUnconditional = (level: 'baseline' | 'restricted'): CheckVersion['run'] => (pod, report) => {
  for (const c of pod.containers) {
    const procMount = c.sc?.procMount;
    if (set(procMount) && procMount !== 'Default') report(`${c.path}/securityContext/procMount`, `${c.who} sets procMount: ${show(procMount)}; ${level} requires Default or unset${level === 'baseline' ? ' (any value only in a user namespace, hostUsers: false, from v1.35)' : ', even in a user namespace'}`);
  }
};

const runAsNonRoot1_0: CheckVersion['run'] = (pod, report) => {
  const podValue = pod.psc?.runAsNonRoot;
  if (podValue === false) report('/spec/securityContext/runAsNonRoot', 'pod sets runAsNonRoot: false; restricted requires true');
  for (const c of pod.containers) {
    const value = c.sc?.runAsNonRoot;
    if (value === false) report(`${c.path}/securityContext/runAsNonRoot`, `${c.who} sets runAsNonRoot: false; restricted requires true`);
    else if (value !== true && podValue !== true) report(`${c.path}/securityContext/runAsNonRoot`, `${c.who} leaves runAsNonRoot unset and the pod does not set runAsNonRoot: true; restricted requires true on the pod or on every container`);
  }
};

const runAsUser1_23: CheckVersion['run'] = (pod, report) => {
  if (pod.psc?.runAsUser === 0) report('/spec/securityContext/runAsUser', 'pod sets runAsUser: 0; restricted forbids running as root (UID 0)');
  for (const c of pod.containers) {
    if (c.sc?.runAsUser === 0) report(`${c.path}/securityContext/runAsUser`, `${c.who} sets runAsUser: 0; restricted forbids running as root (UID 0)`);
  }
};

const allowPrivilegeEscalation1_8: CheckVersion['run'] = (pod, report) => {
  for (const c of pod.containers) {
    const value = c.sc?.allowPrivilegeEscalation;
    if (value !== false) report(`${c.path}/securityContext/allowPrivilegeEscalation`, `${c.who} ${set(value) ? `sets allowPrivilegeEscalation: ${show(value)}` : 'leaves allowPrivilegeEscalation unset'}; restricted requires false`);
  }
};

const capabilitiesRestricted1_22: CheckVersion['run'] = (pod, report) => {
  for (const c of pod.containers) {
    const caps = obj(c.sc?.capabilities);
    const drop = arr(caps?.drop);
    if (!drop.includes('ALL')) report(`${c.path}/securityContext/capabilities/drop`, `${c.who} ${set(caps?.drop) ? `sets capabilities.drop: ${show(caps?.drop)}` : 'leaves capabilities.drop unset'}; restricted requires drop to include "ALL"`);
    arr(caps?.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') report(`${c.path}/securityContext/capabilities/add/${i}`, `${c.who} adds capability ${show(cap)}; restricted allows adding only NET_BIND_SERVICE`);
    });
  }
};

const seccompProfileRestricted1_19: CheckVersion['run'] = (pod, report) => {
  const podProfile = obj(pod.psc?.seccompProfile);
  if (podProfile && !validSeccomp(podProfile.type)) report('/spec/securityContext/seccompProfile/type', `pod sets seccompProfile.type: ${show(podProfile.type ?? '')}; restricted allows only RuntimeDefault or Localhost`);
  const podValid = podProfile !== undefined && validSeccomp(podProfile.type);
  for (const c of pod.containers) {
    const profile = obj(c.sc?.seccompProfile);
    if (profile && !validSeccomp(profile.type)) report(`${c.path}/securityContext/seccompProfile/type`, `${c.who} sets seccompProfile.type: ${show(profile.type ?? '')}; restricted allows only RuntimeDefault or Localhost`);
    else if (!profile && !podValid) report(`${c.path}/securityContext/seccompProfile`, `${c.who} has no seccompProfile and the pod sets no valid one; restricted requires RuntimeDefault or Localhost on the pod or on every container`);
  }
};

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;

/** Both levels' checks; evaluation order is upstream's (baseline then restricted, each by id in byte order), see ORDERED_CHECKS. */
const CHECKS: readonly Check[] = [
  {
    id: 'appArmorProfile', level: 'baseline',
    hint: 'Use AppArmor profile type RuntimeDefault or Localhost (annotation value runtime/default or localhost/<profile>), or leave it unset.',
    versions: [{
      from: 0, source: `${PSA}check_appArmorProfile.go:60`,
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
    }],
  },
  {
    id: 'capabilities_baseline', level: 'baseline',
    hint: `Add only capabilities from the default set (${BASELINE_ALLOWED_CAPABILITIES.join(', ')}), spelled in upper case without the CAP_ prefix.`,
    versions: [{
      from: 0, source: `${PSA}check_capabilities_baseline.go:54`,
      run: (pod, report) => {
        for (const c of pod.containers) {
          arr(obj(c.sc?.capabilities)?.add).forEach((cap, i) => {
            if (typeof cap !== 'string' || !BASELINE_ALLOWED_CAPABILITIES.includes(cap)) report(`${c.path}/securityContext/capabilities/add/${i}`, `${c.who} adds capability ${show(cap)}; baseline allows adding only ${BASELINE_ALLOWED_CAPABILITIES.join(', ')}`);
          });
        }
      },
    }],
  },
  {
    id: 'hostNamespaces', level: 'baseline',
    hint: 'Remove the field or set it to false; the pod must not share the host network, PID or IPC namespace.',
    versions: [{
      from: 0, source: `${PSA}check_hostNamespaces.go:51`,
      run: (pod, report) => {
        for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
          if (pod.spec[field] === true) report(`/spec/${field}`, `pod sets ${field}: true; baseline forbids sharing host namespaces`);
        }
      },
    }],
  },
  {
    id: 'hostPathVolumes', level: 'baseline',
    hint: 'Replace the hostPath volume with emptyDir, a configMap or secret, or a persistentVolumeClaim.',
    versions: [{
      from: 0, source: `${PSA}check_hostPathVolumes.go:51`,
      run: (pod, report) => {
        arr(pod.spec.volumes).forEach((v, i) => {
          const volume = obj(v);
          if (set(volume?.hostPath)) report(`/spec/volumes/${i}/hostPath`, `volume ${show(volume?.name)} uses hostPath ${show(obj(volume?.hostPath)?.path)}; baseline forbids hostPath volumes`);
        });
      },
    }],
  },
  {
    id: 'hostPorts', level: 'baseline',
    hint: 'Remove hostPort (or set it to 0) and expose the port through a Service.',
    versions: [{
      from: 0, source: `${PSA}check_hostPorts.go:53`,
      run: (pod, report) => {
        for (const c of pod.containers) {
          arr(c.container.ports).forEach((p, i) => {
            const hostPort = obj(p)?.hostPort;
            if (set(hostPort) && Number(hostPort) !== 0) report(`${c.path}/ports/${i}/hostPort`, `${c.who} sets hostPort: ${show(hostPort)}; baseline requires hostPort unset or 0`);
          });
        }
      },
    }],
  },
  {
    id: 'hostProbesAndHostLifecycle', level: 'baseline',
    hint: 'Remove `host` from the probe or lifecycle handler (httpGet/tcpSocket), so it targets the pod IP.',
    versions: [{
      // Probes (liveness, readiness, startup) and lifecycle handlers (postStart, preStop), httpGet and tcpSocket: check_hostProbesAndhostLifecycle.go:77-160.
      from: 34, source: `${PSA}check_hostProbesAndhostLifecycle.go:69`,
      run: (pod, report) => {
        const checkHandler = (path: string, what: string, who: string, handler: Json | undefined) => {
          for (const kind of ['httpGet', 'tcpSocket']) {
            const host = obj(handler?.[kind])?.host;
            if (set(host) && host !== '') report(`${path}/${kind}/host`, `${who} ${what} ${kind} sets host: ${show(host)}; baseline from v1.34 requires host unset or ""`);
          }
        };
        for (const c of pod.containers) {
          for (const probe of PROBES) checkHandler(`${c.path}/${probe}`, probe, c.who, obj(c.container[probe]));
          const lifecycle = obj(c.container.lifecycle);
          for (const hook of LIFECYCLE_HANDLERS) checkHandler(`${c.path}/lifecycle/${hook}`, `lifecycle.${hook}`, c.who, obj(lifecycle?.[hook]));
        }
      },
    }],
  },
  {
    id: 'privileged', level: 'baseline',
    hint: 'Remove securityContext.privileged or set it to false.',
    versions: [{
      from: 0, source: `${PSA}check_privileged.go:49`,
      run: (pod, report) => {
        for (const c of pod.containers) {
          if (c.sc?.privileged === true) report(`${c.path}/securityContext/privileged`, `${c.who} sets privileged: true; baseline forbids privileged containers`);
        }
      },
    }],
  },
  {
    id: 'procMount', level: 'baseline',
    hint: 'Remove securityContext.procMount or set it to Default (from v1.35 baseline allows any value in a user namespace, spec.hostUsers: false).',
    versions: [
      { from: 0, source: `${PSA}check_procMount_baseline.go:54`, run: procMountUnconditional('baseline') },
      { from: 35, source: `${PSA}check_procMount_baseline.go:58`, run: exemptUserNamespace(procMountUnconditional('baseline')) },
    ],
  },
  {
    id: 'seLinuxOptions', level: 'baseline',
    hint: `Leave seLinuxOptions.user and .role empty and set .type only to one of ${quoteList(BASELINE_ALLOWED_SELINUX_TYPES.slice(1))} (or leave it empty; container_engine_t from v1.31).`,
    versions: [
      { from: 0, source: `${PSA}check_seLinuxOptions.go:66`, run: seLinuxOptionsWith(SELINUX_TYPES_1_0) },
      { from: 31, source: `${PSA}check_seLinuxOptions.go:70`, run: seLinuxOptionsWith(BASELINE_ALLOWED_SELINUX_TYPES) },
    ],
  },
  {
    id: 'seccompProfile_baseline', level: 'baseline',
    hint: 'Set seccompProfile.type to RuntimeDefault or Localhost (before v1.19: the seccomp annotations to runtime/default or localhost/<profile>), or remove it.',
    versions: [
      {
        // v1.0-v1.18 read the alpha annotations only: check_seccompProfile_baseline.go:87-121.
        from: 0, source: `${PSA}check_seccompProfile_baseline.go:64`,
        run: (pod, report) => {
          const checkAnnotation = (key: string) => {
            if (!Object.hasOwn(pod.annotations, key)) return;
            const value = pod.annotations[key];
            if (!validSeccompAnnotation(value)) report(`/metadata/annotations/${token(key)}`, `annotation ${key} is ${show(value)}; baseline allows only "runtime/default", "docker/default" or "localhost/<profile>"`);
          };
          checkAnnotation(SECCOMP_POD_ANNOTATION);
          for (const c of pod.containers) if (typeof c.container.name === 'string') checkAnnotation(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.container.name);
        },
      },
      {
        from: 19, source: `${PSA}check_seccompProfile_baseline.go:68`,
        run: (pod, report) => {
          const checkProfile = (path: string, who: string, profile: Json | undefined) => {
            if (profile && !validSeccomp(profile.type)) report(`${path}/seccompProfile/type`, `${who} sets seccompProfile.type: ${show(profile.type ?? '')}; baseline allows only RuntimeDefault, Localhost or unset`);
          };
          checkProfile('/spec/securityContext', 'pod', obj(pod.psc?.seccompProfile));
          for (const c of pod.containers) checkProfile(`${c.path}/securityContext`, c.who, obj(c.sc?.seccompProfile));
        },
      },
    ],
  },
  {
    id: 'sysctls', level: 'baseline',
    hint: 'Remove the sysctl, or set it on the node instead; pods may set only namespaced, isolated sysctls.',
    versions: [
      { from: 0, source: `${PSA}check_sysctls.go:69`, run: sysctlsAt(0) },
      { from: 27, source: `${PSA}check_sysctls.go:73`, run: sysctlsAt(27) },
      { from: 29, source: `${PSA}check_sysctls.go:76`, run: sysctlsAt(29) },
      { from: 32, source: `${PSA}check_sysctls.go:80`, run: sysctlsAt(32) },
      { from: 37, source: `${PSA}check_sysctls.go:84`, run: sysctlsAt(37) },
    ],
  },
  {
    id: 'windowsHostProcess', level: 'baseline',
    hint: 'Remove windowsOptions.hostProcess or set it to false.',
    versions: [{
      from: 0, source: `${PSA}check_windowsHostProcess.go:52`,
      run: (pod, report) => {
        const checkOptions = (path: string, who: string, sc: Json | undefined) => {
          if (obj(sc?.windowsOptions)?.hostProcess === true) report(`${path}/windowsOptions/hostProcess`, `${who} sets windowsOptions.hostProcess: true; baseline forbids Windows HostProcess containers`);
        };
        checkOptions('/spec/securityContext', 'pod', pod.psc);
        for (const c of pod.containers) checkOptions(`${c.path}/securityContext`, c.who, c.sc);
      },
    }],
  },
  {
    id: 'allowPrivilegeEscalation', level: 'restricted',
    hint: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
    versions: [
      { from: 8, source: `${PSA}check_allowPrivilegeEscalation.go:52`, run: allowPrivilegeEscalation1_8 },
      { from: 25, source: `${PSA}check_allowPrivilegeEscalation.go:57`, run: exemptWindows(allowPrivilegeEscalation1_8) },
    ],
  },
  {
    id: 'capabilities_restricted', level: 'restricted',
    hint: 'Set securityContext.capabilities.drop: ["ALL"] and add back at most NET_BIND_SERVICE.',
    versions: [
      { from: 22, source: `${PSA}check_capabilities_restricted.go:65`, overrides: ['capabilities_baseline'], run: capabilitiesRestricted1_22 },
      { from: 25, source: `${PSA}check_capabilities_restricted.go:71`, overrides: ['capabilities_baseline'], run: exemptWindows(capabilitiesRestricted1_22) },
    ],
  },
  {
    id: 'procMount_restricted', level: 'restricted',
    hint: 'Remove securityContext.procMount or set it to Default; restricted allows no other value, even in a user namespace.',
    versions: [{ from: 35, source: `${PSA}check_procMount_restricted.go:50`, overrides: ['procMount'], run: procMountUnconditional('restricted') }],
  },
  {
    id: 'restrictedVolumes', level: 'restricted',
    hint: `Use only ${RESTRICTED_ALLOWED_VOLUME_TYPES.join(', ')} volumes; reach other storage through a PersistentVolumeClaim.`,
    versions: [{
      from: 0, source: `${PSA}check_restrictedVolumes.go:80`, overrides: ['hostPathVolumes'],
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
    }],
  },
  {
    id: 'runAsNonRoot', level: 'restricted',
    hint: 'Set securityContext.runAsNonRoot: true on the pod (or on every container) and do not set it to false anywhere (from v1.35, or run the pod in a user namespace, spec.hostUsers: false).',
    versions: [
      { from: 0, source: `${PSA}check_runAsNonRoot.go:56`, run: runAsNonRoot1_0 },
      { from: 35, source: `${PSA}check_runAsNonRoot.go:60`, run: exemptUserNamespace(runAsNonRoot1_0) },
    ],
  },
  {
    id: 'runAsUser', level: 'restricted',
    hint: 'Set runAsUser to a non-zero UID, or remove it and let the image user (with runAsNonRoot: true) apply (from v1.35, UID 0 is allowed in a user namespace, spec.hostUsers: false).',
    versions: [
      { from: 23, source: `${PSA}check_runAsUser.go:57`, run: runAsUser1_23 },
      { from: 35, source: `${PSA}check_runAsUser.go:61`, run: exemptUserNamespace(runAsUser1_23) },
    ],
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted',
    hint: 'Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, and do not set Unconfined on any container.',
    versions: [
      { from: 19, source: `${PSA}check_seccompProfile_restricted.go:54`, overrides: ['seccompProfile_baseline'], run: seccompProfileRestricted1_19 },
      { from: 25, source: `${PSA}check_seccompProfile_restricted.go:60`, overrides: ['seccompProfile_baseline'], run: exemptWindows(seccompProfileRestricted1_19) },
    ],
  },
];

/** Byte-order comparison, as Go's slices.Sort on strings (policy/registry.go:166-167). */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Upstream's evaluation order: baseline checks, then restricted checks, each sorted by id (policy/registry.go:168). */
const ORDERED_CHECKS: readonly Check[] = [
  ...CHECKS.filter((c) => c.level === 'baseline').sort((a, b) => byteOrder(a.id, b.id)),
  ...CHECKS.filter((c) => c.level === 'restricted').sort((a, b) => byteOrder(a.id, b.id)),
];

/** The variant of `check` in force at policy minor `minor`, or undefined before the check exists. */
function variantAt(check: Check, minor: number): CheckVersion | undefined {
  let found: CheckVersion | undefined;
  for (const v of check.versions) if (v.from <= minor) found = v;
  return found;
}

/** One check in force at a level and version, with the upstream source of the variant applied. */
export interface PodSecurityRule {
  /** Upstream CheckID. */
  id: string;
  level: 'baseline' | 'restricted';
  /** Policy version the applied variant starts at, e.g. 'v1.35'. */
  since: `v1.${number}`;
  /** `kubernetes/pod-security-admission@<tag>:policy/<file>:<line>` of that variant's MinimumVersion. */
  source: string;
}

function rulesAt(level: PodSecurityLevel, minor: number): { check: Check; variant: CheckVersion }[] {
  if (level !== 'baseline' && level !== 'restricted') return [];
  const active = ORDERED_CHECKS.flatMap((check) => {
    if (check.level === 'restricted' && level === 'baseline') return [];
    const variant = variantAt(check, minor);
    return variant ? [{ check, variant }] : [];
  });
  const overridden = new Set(active.flatMap(({ variant }) => variant.overrides ?? []));
  return active.filter(({ check }) => !(check.level === 'baseline' && level === 'restricted' && overridden.has(check.id)));
}

/**
 * The checks upstream runs for a level at a policy version, in evaluation order.
 * @param version `latest` (default; v1.37) or `v1.N`; newer than v1.37 evaluates as v1.37, invalid as `latest`.
 */
export function podSecurityRules(level: PodSecurityLevel, version: PodSecurityVersion = 'latest'): PodSecurityRule[] {
  return rulesAt(level, policyMinor(version)).map(({ check, variant }) => ({ id: check.id, level: check.level, since: `v1.${variant.from}`, source: variant.source }));
}

/**
 * Evaluates one pod against a Pod Security Standards level at a policy version.
 *
 * @param pod a Pod object or a pod template: `{ metadata?: { annotations?, labels? }, spec: PodSpec }`
 *   as plain JSON (e.g. parsed YAML). Missing or mistyped fields read as unset; never throws.
 * @param level 'privileged' (always admitted), 'baseline', or 'restricted' (baseline rules included,
 *   except those a restricted rule overrides at that version).
 * @param version the policy version, as the `pod-security.kubernetes.io/enforce-version` label spells
 *   it: `latest` (default, v1.37) or `v1.N`. Versions newer than v1.37 evaluate as v1.37 and an invalid
 *   value as `latest`, as upstream does.
 * @returns every violation, baseline ones first, in upstream check order and then document order;
 *   `[]` when the pod is admitted at `level` and `version`.
 */
export function evaluatePodSecurity(pod: unknown, level: PodSecurityLevel, version: PodSecurityVersion = 'latest'): PodSecurityViolation[] {
  const rules = rulesAt(level, policyMinor(version));
  if (rules.length === 0) return [];
  const podView = view(pod);
  const violations: PodSecurityViolation[] = [];
  for (const { check, variant } of rules) {
    variant.run(podView, (path, message) => violations.push({ rule: check.id, level: check.level, path, message, hint: check.hint }));
  }
  return violations;
}
