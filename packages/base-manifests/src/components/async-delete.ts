/**
 * Async delete: the job that deletes the files of deleted tasks from the fileserver. Same image,
 * entrypoint `python3 -m jobs.async_urls_delete`, no port and no Service. Its pod labels are its
 * own, so the apiserver Service never selects it (clearml-helm-charts#277).
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (async_delete)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { serviceUrl, STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, envList } from '../workload.ts';
import { databaseHostEnv } from './database-hosts.ts';

/** The async delete Deployment (no Service). */
export function asyncDeleteObjects(): ManifestObject[] {
  const c = STACK.asyncDelete;
  const storage = [NODE_STORAGE.logs, NODE_STORAGE.config];
  return [
    clearmlDeployment({
      component: c,
      strategy: 'RollingUpdate',
      onClearmlNode: true,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.clearmlServer),
          command: ['python3', '-m', 'jobs.async_urls_delete', '--fileserver-host', serviceUrl('fileserver')],
          env: envList({ ...databaseHostEnv(), PYTHONPATH: '/opt/clearml/apiserver' }),
          resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
  ];
}
