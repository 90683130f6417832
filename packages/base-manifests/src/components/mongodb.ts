/**
 * MongoDB for the `backend` and `auth` databases, with the sort-memory parameter of upstream
 * compose.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (mongo)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService } from '../workload.ts';

/** The MongoDB Deployment and ClusterIP Service on 27017. */
export function mongodbObjects(): ManifestObject[] {
  const c = STACK.mongo;
  const storage = [NODE_STORAGE.mongoDb, NODE_STORAGE.mongoConfigDb];
  const probe = { tcpSocket: { port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'Recreate',
      onClearmlNode: true,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.mongo),
          args: ['--setParameter', 'internalQueryMaxBlockingSortMemoryUsageBytes=196100200'],
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
          livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 20 },
          resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
    clearmlService(c),
  ];
}
