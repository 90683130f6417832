/**
 * The ClearML webserver: nginx in `clearml/server` with `args: [webserver]`. It listens on 80
 * (the image's `clearml.conf.template`, although its Dockerfile says `EXPOSE 8080`); the
 * Service serves 8080 and targets the named container port; NodePort 30080.
 * @see ../../../../../shared/reference/clearml-on-kubernetes.md ("Webserver port")
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { serviceUrl, STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService, envList } from '../workload.ts';

/** The webserver Deployment and its NodePort Service (30080 → 8080 → named port `http` = 80). */
export function webserverObjects(): ManifestObject[] {
  const c = STACK.webserver;
  const probe = { httpGet: { path: '/', port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'RollingUpdate',
      onClearmlNode: false,
      containers: [
        {
          name: c.container,
          image: imageReference(releaseCatalog().images.clearmlServer),
          args: ['webserver'],
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          env: envList({
            NGINX_APISERVER_ADDRESS: serviceUrl('apiserver'),
            NGINX_FILESERVER_ADDRESS: serviceUrl('fileserver'),
          }),
          readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
          livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 20 },
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        },
      ],
    }),
    clearmlService(c, 30080),
  ];
}
