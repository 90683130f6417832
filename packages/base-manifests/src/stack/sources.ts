/**
 * The upstream files the stack model's facts were checked at, pinned to a release. A fact's
 * `source` is one of these plus a line (`at(COMPOSE, 120)`), or a documentation URL.
 */

/** ClearML Server's compose file at the release the catalog pins. */
export const COMPOSE = 'clearml/clearml-server@v2.3.0:docker/docker-compose.yml';
/** The server image's entrypoint (one script for apiserver, fileserver, webserver). */
export const ENTRYPOINT = 'clearml/clearml-server@v2.3.0:docker/build/internal_files/entrypoint.sh';
/** The server image's Dockerfile. */
export const DOCKERFILE = 'clearml/clearml-server@v2.3.0:docker/build/Dockerfile';
/** nginx configuration template of the webserver. */
export const NGINX_TEMPLATE = 'clearml/clearml-server@v2.3.0:docker/build/internal_files/clearml.conf.template';
/** The apiserver's default hosts configuration. */
export const API_HOSTS_CONF = 'clearml/clearml-server@v2.3.0:apiserver/config/default/hosts.conf';
/** The ClearML Helm chart's values (chart 7.14.x). */
export const HELM_VALUES = 'clearml/clearml-helm-charts@clearml-7.14.4:charts/clearml/values.yaml';
/** The clearml-agent Helm chart's values. */
export const AGENT_HELM_VALUES = 'clearml/clearml-helm-charts@clearml-agent-5.3.2:charts/clearml-agent/values.yaml';
/** The clearml-agent chart's glue Deployment template. */
export const AGENT_HELM_GLUE = 'clearml/clearml-helm-charts@clearml-agent-5.3.2:charts/clearml-agent/templates/agentk8sglue-deployment.yaml';
/** Env names the agent reads. */
export const AGENT_ENV = 'clearml/clearml-agent@v2.0.7:clearml_agent/backend_api/session/defs.py:5-12';

/** `file:line`, the form of a fact's source. */
export function at(file: string, line: number | string): string {
  return `${file}:${line}`;
}

/** The commit that renamed the published images (first in v2.1.0): "Update image URLs". */
export const IMAGE_RENAME = 'clearml/clearml-server@d998b46cb2c842ccd96203fb84947fea3bd892dc:docker/docker-compose.yml';

/** Docker's reference: files `COPY` creates are owned by 0:0 unless `--chown`; `--chmod` sets their mode. */
export const DOCKERFILE_COPY = 'https://docs.docker.com/reference/dockerfile/#copy---chown---chmod';

/** The server image's entrypoint script: root-owned, mode 0744, so a non-root uid may read it but not execute it. */
const SERVER_ENTRYPOINT_FILE = {
  path: '/opt/clearml/entrypoint.sh',
  uid: 0,
  gid: 0,
  mode: 0o744,
  interpreter: ['/usr/bin/env', 'bash'],
  source: `${DOCKERFILE}:15 (COPY --chmod=744 docker/build/internal_files/entrypoint.sh /opt/clearml/, no --chown: root, ${DOCKERFILE_COPY}); ${ENTRYPOINT}:1 (#!/usr/bin/env bash); unchanged on master after v2.3.0 (clearml/clearml-server@0b769d4)`,
} as const;

/**
 * What the non-root profile does for every mode of the server image that runs `entrypoint.sh`: runs it
 * through the interpreter of its `#!` line (what the kernel would run, less the execute-permission
 * check: bash needs only read permission, which 0744 gives every uid), `args` unchanged so `$1` is still
 * the mode. Modes whose entrypoint executes further files directly add `ownedCopies`.
 */
function nonRootStart(ownedCopies: readonly string[] = [], why = ''): { command: readonly string[]; ownedCopies: readonly string[]; source: string } {
  return {
    command: [...SERVER_ENTRYPOINT_FILE.interpreter, SERVER_ENTRYPOINT_FILE.path],
    ownedCopies,
    source: `ours: ${SERVER_ENTRYPOINT_FILE.path} is mode 0744 root:root (${DOCKERFILE}:15), so ENTRYPOINT ["${SERVER_ENTRYPOINT_FILE.path}"] (${DOCKERFILE}:38) fails with permission denied for a non-root uid; bash reads a script file given as its first argument and needs no execute bit (https://www.gnu.org/software/bash/manual/bash.html#Shell-Scripts)${why}`,
  };
}

/** Facts of the server image that its four modes share (apiserver, webserver, fileserver, async delete). */
export const SERVER_IMAGE = {
  /** ENTRYPOINT ["/opt/clearml/entrypoint.sh"]: a 0744 root-owned script. */
  entrypoint: { command: [SERVER_ENTRYPOINT_FILE.path], file: SERVER_ENTRYPOINT_FILE, source: `${DOCKERFILE}:38` },
  /** The webserver mode's config writer, executed directly by the entrypoint: root-owned, mode 0744. */
  updateFromEnv: {
    path: '/opt/clearml/utilities/update_from_env.py',
    uid: 0,
    gid: 0,
    mode: 0o744,
    interpreter: ['/usr/bin/env', 'python3'],
    source: `${DOCKERFILE}:16 (COPY --chmod=744 docker/build/internal_files/update_from_env.py /opt/clearml/utilities/, no --chown: root, ${DOCKERFILE_COPY}); clearml/clearml-server@v2.3.0:docker/build/internal_files/update_from_env.py:1 (#!/usr/bin/env python3); ${ENTRYPOINT}:60-63 executes it directly, under set -e (:2); unchanged on master after v2.3.0`,
  },
  /** The non-root start of the modes that run `entrypoint.sh` (apiserver, fileserver). */
  nonRootStart,
  /** The image's user: root (the final stage of the Dockerfile has no USER). */
  user: { uid: 0, gid: 0, source: `${DOCKERFILE}:1-38 (no USER in the final stage: root)` },
  /** The entrypoint's first step in every mode, under `set -e`. */
  logDirectory: { path: '/var/log/clearml', source: `${ENTRYPOINT}:4 (mkdir -p /var/log/clearml, under set -e)` },
  /** The image's name before v2.1.0: the Helm chart 7.14.4 and the legacy kustomize tree still pull it. */
  formerRepositories: { repositories: ['allegroai/clearml'], source: `${IMAGE_RENAME} (allegroai/clearml:latest → clearml/server:latest for all four server services)` },
} as const;
