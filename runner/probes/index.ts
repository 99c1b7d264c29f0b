/** The list of probe kinds. One file per probe; add it to the list below (runner/catalog.ts builds the catalog from it). */
import type { ProbeDef } from '../core/contracts.js';
import k8sWorkloadReady from './k8s-workload-ready.js';
import k8sPodsReady from './k8s-pods-ready.js';
import k8sPodRestarts from './k8s-pod-restarts.js';
import k8sPvcBound from './k8s-pvc-bound.js';
import k8sClaimsMounted from './k8s-claims-mounted.js';
import k8sNodeReady from './k8s-node-ready.js';
import k8sEvent from './k8s-event.js';
import k8sJsonPath from './k8s-json-path.js';
import prometheus from './prometheus.js';
import metricsScrape from './metrics-scrape.js';
import nodeKernelPreflight from './node-kernel-preflight.js';
import nodeDriveUsage from './node-drive-usage.js';
import s3DeepCheck from './s3-deep-check.js';
import s3Scratch from './s3-scratch.js';
import s3BucketIndex from './s3-bucket-index.js';
import http from './http.js';
import cmd from './cmd.js';
import workloadSettled from './workload-settled.js';
import workloadVerify from './workload-verify.js';
import minioNodes from './minio-nodes.js';
import s3VersionRestore from './s3-version-restore.js';

export const probeList: readonly ProbeDef[] = [
  s3DeepCheck, s3Scratch, s3BucketIndex, s3VersionRestore, minioNodes, http, cmd, workloadSettled, workloadVerify, // S3, HTTP, command, workloads
  nodeKernelPreflight, nodeDriveUsage, // nodes
  k8sWorkloadReady, k8sPodsReady, k8sPodRestarts, k8sPvcBound, k8sClaimsMounted, k8sNodeReady, k8sEvent, k8sJsonPath, prometheus, metricsScrape, // Kubernetes, metrics
];
