/**
 * The names a scenario can use on a stand, for `plan` and `stand status`: nodes and the
 * kernels they run, the S3 endpoint (never its credentials), health and metrics URLs,
 * the kube context and its namespaces, and the environment actions and cmd probes get.
 */
import type { Stand } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { messageOf } from '../core/errors.js';
import { standEnv, type RunPlaces } from '../core/stand-env.js';
import { clientsFor, opts } from '../kube/client.js';

const ASK_MS = 5_000;

/** What the stand object says; asks nothing. */
export function offeredNames(stand: Stand): string[] {
  const offers: string[] = [];
  const nodes = stand.nodes?.list() ?? [];
  if (nodes.length) offers.push(`nodes ${nodes.join(', ')}`);
  if (stand.s3) offers.push(`S3 ${stand.s3.endpoint} (${stand.s3.region})`);
  if (stand.kube) offers.push(`kube context ${stand.kube.context}`);
  if (stand.healthUrl) offers.push(`health ${stand.healthUrl}`);
  if (stand.metricsUrl) offers.push(`metrics ${stand.metricsUrl}`);
  return offers;
}

/** The names of the environment variables commands get (values are never shown). */
export function envNames(stand: Stand, places: RunPlaces): string[] {
  return Object.keys(standEnv(stand, places));
}

/** What the stand answers now: each node's kernels, the cluster's namespaces; bounded, never throws. */
export async function askedNames(stand: Stand, signal: AbortSignal): Promise<string[]> {
  const lines: string[] = [];
  const n = stand.nodes;
  if (n?.runningKernel || n?.bootKernel) {
    const kernels = await Promise.all(
      n.list().map(async (node) => {
        const ask = async (f?: (node: string, s: AbortSignal) => Promise<string | undefined>) => (f ? await f.call(n, node, deadline(signal, ASK_MS)).catch(() => '?') : undefined);
        const [running, next] = [await ask(n.runningKernel), await ask(n.bootKernel)];
        return `${node} ${running ?? '-'}${next && next !== running ? ` (next boot ${next})` : ''}`;
      }),
    );
    lines.push(`kernels: ${kernels.join('; ')}`);
  }
  if (stand.kube) {
    const list = await clientsFor(stand.kube)
      .core.listNamespace({}, opts(signal, { ms: ASK_MS }))
      .then((l) => l.items.map((x) => x.metadata?.name ?? '?').join(', '))
      .catch((err: unknown) => `(could not list: ${messageOf(err)})`);
    lines.push(`namespaces: ${list}`);
    lines.push(`kubectl in an action: kubectl --context "$FAULTLINE_KUBE_CONTEXT" (KUBECONFIG${stand.kube.kubeconfigPath ? ` = ${stand.kube.kubeconfigPath}` : ' is the runner\'s'})`);
  }
  return lines;
}
