/**
 * The S3 service as Kubernetes runs it: a 4-node x 4-drive erasure-coded MinIO
 * StatefulSet (one hostNetwork pod per node), a headless Service, a
 * PodDisruptionBudget, readiness from MinIO's health endpoints. Its drives are
 * claims (one per drive, from volumeClaimTemplates) bound through a
 * WaitForFirstConsumer StorageClass to static local PersistentVolumes, one per node
 * drive, whose paths exist only while the node's storage pool is imported
 * (./pool.ts): on a kernel without the storage module the node's claims cannot mount
 * (the May 11 outage).
 */
import type { V1Namespace, V1PersistentVolume, V1PersistentVolumeClaim, V1PodDisruptionBudget, V1Secret, V1Service, V1StatefulSet, V1StorageClass } from '@kubernetes/client-node';
import { APP_LABEL, CONSOLE_PORT, DRIVES_PER_NODE, NAMESPACE, S3_PORT, STATEFULSET, STORAGE_CLASS, type ClusterLayout } from './layout.js';

export const SECRET = 'minio-credentials';
export const STORAGE_CONTAINER = 'minio';

/** MinIO's own dead-peer timeouts as the local stand sets them (../local/service.ts). */
export const MINIO_ENV = { MINIO_CONN_USER_TIMEOUT: '3s', MINIO_DRIVE_MAX_TIMEOUT: '5s', MINIO_PROMETHEUS_AUTH_TYPE: 'public', MINIO_UPDATE: 'off' };

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

/** The claims' class: static volumes only, bound once the scheduler has placed the pod. */
export function storageClass(): V1StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS },
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Retain',
  };
}

/** Claim template and volume label of drive `d` (1-based); the claims are `d<d>-minio-<ordinal>`. */
const driveClaim = (d: number) => `d${d}`;

/** One local PersistentVolume per node drive, pinned to its node, at its pool dataset. */
export function persistentVolumes(l: ClusterLayout, driveSize: number): V1PersistentVolume[] {
  return l.nodes.flatMap((n) =>
    n.datasets.map((path, d) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `flc-${n.name}-d${d + 1}`, labels: { ...APP_LABEL, node: n.name, drive: driveClaim(d + 1) } },
      spec: {
        capacity: { storage: String(driveSize) },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: STORAGE_CLASS,
        local: { path },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n.name] }] }] } },
      },
    })),
  );
}

function claimTemplates(driveSize: number): V1PersistentVolumeClaim[] {
  return Array.from({ length: DRIVES_PER_NODE }, (_, d) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: driveClaim(d + 1), labels: { ...APP_LABEL } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: STORAGE_CLASS,
      // claim dK binds to drive dK of the pod's node, so the pod's /data/dK is the node's drive dK
      selector: { matchLabels: { drive: driveClaim(d + 1) } },
      resources: { requests: { storage: String(driveSize) } },
    },
  }));
}

export function statefulSet(l: ClusterLayout, images: Images, driveSize: number): V1StatefulSet {
  const drives = Array.from({ length: DRIVES_PER_NODE }, (_, d) => ({ name: driveClaim(d + 1), mountPath: `/data/d${d + 1}` }));
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
          containers: [
            {
              name: STORAGE_CONTAINER,
              image: images.minio,
              imagePullPolicy: 'Never',
              args: ['server', '--address', `$(POD_IP):${S3_PORT}`, '--console-address', `$(POD_IP):${CONSOLE_PORT}`, ...serverEndpoints(l)],
              env: [
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
      volumeClaimTemplates: claimTemplates(driveSize),
    },
  };
}
