/**
 * @kubernetes/client-node, loaded when first used (see core/lazy-module.ts): it takes most of
 * a second to import, and `--help` or `validate` never talk to a cluster. Import the values
 * from here; types straight from the package (`import type` costs nothing at run time).
 */
import type * as K from '@kubernetes/client-node';
import { lazyModule } from '../core/lazy-module.js';

export const kubeSdk = lazyModule<typeof K>('@kubernetes/client-node');

export const KubeConfig = kubeSdk.value('KubeConfig');
export type KubeConfig = K.KubeConfig;
export const CoreV1Api = kubeSdk.value('CoreV1Api');
export type CoreV1Api = K.CoreV1Api;
export const AppsV1Api = kubeSdk.value('AppsV1Api');
export type AppsV1Api = K.AppsV1Api;
export const PolicyV1Api = kubeSdk.value('PolicyV1Api');
export type PolicyV1Api = K.PolicyV1Api;
export const StorageV1Api = kubeSdk.value('StorageV1Api');
export type StorageV1Api = K.StorageV1Api;
export const CoordinationV1Api = kubeSdk.value('CoordinationV1Api');
export type CoordinationV1Api = K.CoordinationV1Api;
export const KubernetesObjectApi = kubeSdk.value('KubernetesObjectApi');
export type KubernetesObjectApi = K.KubernetesObjectApi;
export const Observable = kubeSdk.value('Observable');
export const PatchStrategy = kubeSdk.value('PatchStrategy');

/** An ApiException of the generated client. Loads nothing unless `err` has its shape (then the package is loaded anyway). */
export function isApiException(err: unknown): err is K.ApiException<unknown> {
  const e = err as { code?: unknown; headers?: unknown } | undefined;
  return err instanceof Error && typeof e?.code === 'number' && e.headers !== undefined && err instanceof kubeSdk.get().ApiException;
}
export type PatchStrategy = K.PatchStrategy;
