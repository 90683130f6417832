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

/** Facts of the server image that its four modes share (apiserver, webserver, fileserver, async delete). */
export const SERVER_IMAGE = {
  /** The image's user: root (the final stage of the Dockerfile has no USER). */
  user: { uid: 0, gid: 0, source: `${DOCKERFILE}:1-38 (no USER in the final stage: root)` },
  /** The entrypoint's first step in every mode, under `set -e`. */
  logDirectory: { path: '/var/log/clearml', source: `${ENTRYPOINT}:4 (mkdir -p /var/log/clearml, under set -e)` },
  /** The image's name before v2.1.0: the Helm chart 7.14.4 and the legacy kustomize tree still pull it. */
  formerRepositories: { repositories: ['allegroai/clearml'], source: `${IMAGE_RENAME} (allegroai/clearml:latest → clearml/server:latest for all four server services)` },
} as const;
