/**
 * The S3 service as Kubernetes runs it: a 4-node x 4-drive erasure-coded MinIO
 * StatefulSet (one hostNetwork pod per node, its drives the node's tmpfs drives via
 * hostPath), a headless Service, a PodDisruptionBudget, readiness from MinIO's
 * health endpoints, and an init container that refuses to start storage when the
 * node's running kernel lacks the storage module (the May 11 outage).
 */
import type { V1Namespace, V1PodDisruptionBudget, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { STORAGE_MODULE } from '../local/kernel.js';
import { APP_LABEL, CONSOLE_PORT, DRIVES_PER_NODE, NAMESPACE, S3_PORT, STATEFULSET, type ClusterLayout } from './layout.js';

export const SECRET = 'minio-credentials';
export const STORAGE_CONTAINER = 'minio';
export const KERNEL_INIT = 'kernel-modules';

/** MinIO's own dead-peer timeouts as the local stand sets them (../local/service.ts). */
export const MINIO_ENV = { MINIO_CONN_USER_TIMEOUT: '3s', MINIO_DRIVE_MAX_TIMEOUT: '5s', MINIO_PROMETHEUS_AUTH_TYPE: 'public', MINIO_UPDATE: 'off' };

/** Like modprobe: the module must be in the running kernel's modules.dep and its file present. */
const kernelCheck = `k=\`cat /host/boot/running 2>/dev/null || cat /host/boot/default\`
dep=/host/lib/modules/$k/modules.dep
m=\`sed -n 's#^\\([^:]*/${STORAGE_MODULE}\\.ko[^:]*\\):.*#\\1#p' "$dep" 2>/dev/null | head -n 1\`
if [ -n "$m" ] && [ -f "/host/lib/modules/$k/$m" ]; then echo "faultline-init: ${STORAGE_MODULE} loaded for kernel $k"; exit 0; fi
echo "modprobe: FATAL: Module ${STORAGE_MODULE} not found in directory /lib/modules/$k" >&2
echo "faultline-init: storage not started: ${STORAGE_MODULE} is unavailable for the running kernel $k" >&2
exit 1`;

export interface Images {
  minio: string;
  tools: string;
}

/** Every node's drives, by node address (the pods run with the node's network). */
export function serverEndpoints(l: ClusterLayout): string[] {
  return l.nodes.flatMap((n) => Array.from({ length: DRIVES_PER_NODE }, (_, d) => `http://${n.address}:${S3_PORT}/data/d${d + 1}`));
}

export function namespace(): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
}

export function credentialsSecret(c: { accessKeyId: string; secretAccessKey: string }): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRET, namespace: NAMESPACE },
    type: 'Opaque',
    stringData: { MINIO_ROOT_USER: c.accessKeyId, MINIO_ROOT_PASSWORD: c.secretAccessKey },
  };
}

export function service(): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: STATEFULSET, namespace: NAMESPACE, labels: { ...APP_LABEL } },
    spec: { clusterIP: 'None', selector: { ...APP_LABEL }, ports: [{ name: 's3', port: S3_PORT }] },
  };
}

export function disruptionBudget(): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: STATEFULSET, namespace: NAMESPACE },
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...APP_LABEL } } },
  };
}

export function statefulSet(l: ClusterLayout, images: Images): V1StatefulSet {
  const nodeName = { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } };
  const drives = Array.from({ length: DRIVES_PER_NODE }, (_, d) => ({ name: 'node', mountPath: `/data/d${d + 1}`, subPathExpr: `$(NODE_NAME)/drives/d${d + 1}` }));
  const health = (path: string) => ({ httpGet: { path, port: S3_PORT } });
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: STATEFULSET, namespace: NAMESPACE, labels: { ...APP_LABEL } },
    spec: {
      serviceName: STATEFULSET,
      replicas: l.nodes.length,
      // MinIO needs its peers to form quorum: start them together
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { ...APP_LABEL } },
      template: {
        metadata: { labels: { ...APP_LABEL } },
        spec: {
          hostNetwork: true,
          dnsPolicy: 'Default',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 10,
          affinity: {
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...APP_LABEL } } }] },
          },
          volumes: [{ name: 'node', hostPath: { path: `${l.root}/nodes`, type: 'Directory' } }],
          initContainers: [
            {
              name: KERNEL_INIT,
              image: images.tools,
              imagePullPolicy: 'Never',
              command: ['/bin/sh', '-c', kernelCheck],
              env: [nodeName],
              volumeMounts: [
                { name: 'node', mountPath: '/host/boot', subPathExpr: '$(NODE_NAME)/boot', readOnly: true },
                { name: 'node', mountPath: '/host/lib/modules', subPathExpr: '$(NODE_NAME)/lib/modules', readOnly: true },
              ],
            },
          ],
          containers: [
            {
              name: STORAGE_CONTAINER,
              image: images.minio,
              imagePullPolicy: 'Never',
              args: ['server', '--address', `$(POD_IP):${S3_PORT}`, '--console-address', `$(POD_IP):${CONSOLE_PORT}`, ...serverEndpoints(l)],
              env: [
                nodeName,
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'HOME', value: '/tmp' },
                ...Object.entries(MINIO_ENV).map(([name, value]) => ({ name, value })),
                ...['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: SECRET, key: k } } })),
              ],
              ports: [{ name: 's3', containerPort: S3_PORT }, { name: 'console', containerPort: CONSOLE_PORT }],
              readinessProbe: { ...health('/minio/health/ready'), periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
              // a paused (SIGSTOPped) server is restarted after a minute, as a real kubelet would
              livenessProbe: { ...health('/minio/health/live'), initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
              resources: { requests: { cpu: '50m', memory: '128Mi' } },
              volumeMounts: drives,
            },
          ],
        },
      },
    },
  };
}
