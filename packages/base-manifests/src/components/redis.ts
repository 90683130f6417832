/**
 * Redis (db 0 apiserver, 4 workers, 8 fileserver), data under `/data`.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (redis)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService } from '../workload.ts';

/** The Redis Deployment and ClusterIP Service on 6379. */
export function redisObjects(): ManifestObject[] {
  const c = STACK.redis;
  const storage = [NODE_STORAGE.redisData];
  const probe = { tcpSocket: { port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'Recreate',
      onClearmlNode: true,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.redis),
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
          livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 20 },
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
    clearmlService(c),
  ];
}
