/**
 * The ClearML apiserver: `clearml/server` with `args: [apiserver]`, port 8008, probed on
 * `GET /debug.ping` (no auth), NodePort 30008.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (apiserver)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService, envList } from '../workload.ts';
import { databaseHostEnv } from './database-hosts.ts';

/** The apiserver Deployment and its NodePort Service (30008 → 8008). */
export function apiserverObjects(): ManifestObject[] {
  const c = STACK.apiserver;
  const storage = [NODE_STORAGE.logs, NODE_STORAGE.config, NODE_STORAGE.fileserverData];
  const ping = { httpGet: { path: '/debug.ping', port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'RollingUpdate',
      onClearmlNode: true,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.clearmlServer),
          args: ['apiserver'],
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          env: envList({
            ...databaseHostEnv(),
            CLEARML__apiserver__pre_populate__enabled: 'true',
            CLEARML__apiserver__pre_populate__zip_files: '/opt/clearml/db-pre-populate',
            CLEARML__apiserver__pre_populate__artifacts_path: NODE_STORAGE.fileserverData.mountPath,
            CLEARML__services__async_urls_delete__enabled: 'true',
          }),
          readinessProbe: { ...ping, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5 },
          livenessProbe: { ...ping, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
          resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '2Gi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
    clearmlService(c, 30008),
  ];
}
