/**
 * The ClearML fileserver: `clearml/server` with `args: [fileserver]`, port 8081, data under
 * `/mnt/fileserver`. Since 1.16 it checks tokens with the apiserver and uses Redis, so both
 * hosts are set; NodePort 30081.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (fileserver)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { serviceUrl, STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService, envList } from '../workload.ts';

/** The fileserver Deployment and its NodePort Service (30081 → 8081). */
export function fileserverObjects(): ManifestObject[] {
  const c = STACK.fileserver;
  const storage = [NODE_STORAGE.logs, NODE_STORAGE.config, NODE_STORAGE.fileserverData];
  const probe = { tcpSocket: { port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'Recreate',
      onClearmlNode: true,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.clearmlServer),
          args: ['fileserver'],
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          env: envList({
            CLEARML__hosts__api_server: serviceUrl('apiserver'),
            CLEARML_REDIS_SERVICE_HOST: STACK.redis.name,
            CLEARML_REDIS_SERVICE_PORT: STACK.redis.servicePort,
            CLEARML__fileserver__delete__allow_batch: 'true',
          }),
          readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
          livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 20 },
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
    clearmlService(c, 30081),
  ];
}
