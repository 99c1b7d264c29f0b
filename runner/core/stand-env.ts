/** What commands run by scenarios (action steps, cmd probes) get of the stand, and how their output is scrubbed. */
import type { JsonValue, Stand } from './contracts.js';

/** stateBucket -> FAULTLINE_PARAM_STATE_BUCKET */
export function paramEnvName(name: string): string {
  return `FAULTLINE_PARAM_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/**
 * Environment for a child command: where the stand is, its S3 credentials (never printed),
 * and the scenario's params (lists comma-joined).
 */
export function standEnv(stand: Stand, scenarioDir?: string, params?: Readonly<Record<string, JsonValue>>): Record<string, string> {
  const env: Record<string, string> = { FAULTLINE_STAND: stand.name, FAULTLINE_STAND_DRIVER: stand.driver };
  for (const [k, v] of Object.entries(params ?? {})) env[paramEnvName(k)] = Array.isArray(v) ? v.join(',') : String(v);
  if (scenarioDir) env.FAULTLINE_SCENARIO_DIR = scenarioDir;
  if (stand.s3) {
    env.FAULTLINE_S3_ENDPOINT = stand.s3.endpoint;
    env.AWS_ENDPOINT_URL_S3 = stand.s3.endpoint;
    env.AWS_REGION = stand.s3.region;
    if (stand.s3.credentials) {
      env.AWS_ACCESS_KEY_ID = stand.s3.credentials.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = stand.s3.credentials.secretAccessKey;
    }
  }
  if (stand.healthUrl) env.FAULTLINE_HEALTH_URL = stand.healthUrl;
  if (stand.kube) {
    env.FAULTLINE_KUBE_CONTEXT = stand.kube.context;
    if (stand.kube.kubeconfigPath) env.KUBECONFIG = stand.kube.kubeconfigPath;
  }
  return env;
}

/** The stand's secret values, for runChild to scrub from everything it returns. */
export function standSecrets(stand: Stand): string[] {
  return [stand.s3?.credentials?.secretAccessKey, stand.s3?.credentials?.accessKeyId].filter((s): s is string => !!s);
}
