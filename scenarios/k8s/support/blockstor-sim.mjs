#!/usr/bin/env node
/**
 * blockstor-sim: a tiny emulation of blockstor's replica store on a real API server, for
 * replaying seed 004 (witness-reap vs redundancy-backfill race, BUG-041).
 *
 * One ConfigMap per resource definition (`rd-<name>`); each replica is a data key
 * `replica.<node>` whose value is its flags (`diskful`, `diskless`, `tie-breaker`, `inactive`).
 * The reaper and the placer only talk to the store through the API server, so they race
 * through Kubernetes optimistic concurrency (metadata.resourceVersion), as the real ones do.
 *
 *   setup                  resource placed on node1+node2 (diskful), witness on node3
 *   deactivate <node>      mark a diskful replica inactive; queues the controller's reconcile
 *   r c --auto-place       the placer restores `place-count` active diskful replicas
 *   status                 JSON: { activeDiskful, placeCount, replicas, ... }
 *   teardown               delete the ConfigMap
 *
 * Modes (flag or BLOCKSTOR_SIM_MODE): default `fixed` = the merged fix (hold the witness
 * while an INACTIVE diskful exists + delete only under a resourceVersion precondition);
 * `--mode=cas` only the precondition; `--buggy` (`--mode=buggy`) the incident's reaper:
 * reap by name, no precondition, after a non-atomic read.
 *
 * Deterministic interleaving: no controller daemon runs here. The reconcile that `deactivate`
 * queues is still in flight when `r c` starts, so `r c` plays both actors in the incident's
 * order: the reaper reads, the placer promotes the witness, then the reaper deletes. (The same
 * injection point as the PR's L1 test.) Buggy mode therefore clobbers the promotion every time.
 *
 * Environment: KUBECONFIG, FAULTLINE_KUBE_CONTEXT (set by faultline), BLOCKSTOR_SIM_NAMESPACE
 * (default fl-scn-blockstor), BLOCKSTOR_SIM_RD (default pvc-replay).
 */
import { CoreV1Api, KubeConfig, Observable, PatchStrategy } from '@kubernetes/client-node';

const CALL_MS = 15_000;
const PENDING = 'blockstor-sim/reconcile-pending';
const PREFIX = 'replica.';

const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const positional = args.filter((a) => !a.startsWith('--'));
const modeArg = flag('mode')?.split('=')[1];
const mode = flag('buggy') ? 'buggy' : (modeArg ?? process.env.BLOCKSTOR_SIM_MODE ?? 'fixed');
const namespace = flag('namespace')?.split('=')[1] ?? process.env.BLOCKSTOR_SIM_NAMESPACE ?? 'fl-scn-blockstor';
const rd = flag('rd')?.split('=')[1] ?? process.env.BLOCKSTOR_SIM_RD ?? 'pvc-replay';
const name = `rd-${rd}`;

const kc = new KubeConfig();
kc.loadFromDefault();
if (process.env.FAULTLINE_KUBE_CONTEXT) kc.setCurrentContext(process.env.FAULTLINE_KUBE_CONTEXT);
const core = kc.makeApiClient(CoreV1Api);
/** Per-call options: every API call is bounded; `contentType` for patches. */
const bounded = (contentType) => ({
  middleware: [
    {
      pre: (req) => {
        req.setSignal(AbortSignal.timeout(CALL_MS));
        if (contentType) req.setHeaderParam('Content-Type', contentType);
        return new Observable(Promise.resolve(req));
      },
      post: (res) => new Observable(Promise.resolve(res)),
    },
  ],
  middlewareMergeStrategy: 'append',
});
const log = (who, msg) => process.stderr.write(`${who}: ${msg}\n`);

const code = (err) => err?.code ?? err?.statusCode;
const flagsOf = (v) => new Set(String(v ?? '').split(',').filter(Boolean));

/** Replicas of a store snapshot: [{ node, flags:Set }]. */
function replicas(cm) {
  return Object.entries(cm.data ?? {})
    .filter(([k]) => k.startsWith(PREFIX))
    .map(([k, v]) => ({ node: k.slice(PREFIX.length), flags: flagsOf(v) }))
    .sort((a, b) => a.node.localeCompare(b.node));
}
const isWitness = (r) => r.flags.has('tie-breaker') && r.flags.has('diskless');
const isActiveDiskful = (r) => r.flags.has('diskful') && !r.flags.has('inactive');
const isInactiveDiskful = (r) => r.flags.has('diskful') && r.flags.has('inactive');

const read = () => core.readNamespacedConfigMap({ name, namespace }, bounded());
/** PUT with the snapshot's resourceVersion: 409 Conflict if anyone wrote since the read. */
const replace = (cm) => core.replaceNamespacedConfigMap({ name, namespace, body: cm }, bounded());

/** Read-modify-write under the resourceVersion precondition, retried on conflict (bounded). */
async function update(who, change) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const cm = await read();
    if (change(cm) === false) return cm;
    try {
      return await replace(cm);
    } catch (err) {
      if (code(err) !== 409) throw err;
      log(who, `conflict on rv ${cm.metadata.resourceVersion}, re-reading`);
    }
  }
  throw new Error(`${who}: gave up after 5 conflicts`);
}

async function setup() {
  const body = {
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'blockstor-sim' } },
    data: { 'place-count': '2', [`${PREFIX}node1`]: 'diskful', [`${PREFIX}node2`]: 'diskful', [`${PREFIX}node3`]: 'diskless,tie-breaker' },
  };
  try {
    await core.createNamespacedConfigMap({ namespace, body }, bounded());
  } catch (err) {
    if (code(err) !== 409) throw err;
    await core.replaceNamespacedConfigMap({ name, namespace, body }, bounded());
  }
  log('setup', `${namespace}/${name}: diskful on node1+node2, witness on node3, place-count 2`);
}

async function deactivate(node) {
  if (!node) throw new Error('usage: deactivate <node>');
  await update('deactivate', (cm) => {
    const key = PREFIX + node;
    const f = flagsOf(cm.data?.[key]);
    if (!f.has('diskful')) throw new Error(`no diskful replica on ${node}`);
    f.add('inactive');
    cm.data[key] = [...f].join(',');
    // the controller reconciles the resource after this event; its pass is still running when `r c` arrives
    cm.metadata.annotations = { ...cm.metadata.annotations, [PENDING]: `deactivate ${node}` };
  });
  log('deactivate', `${node} inactive; controller reconcile queued`);
}

/** The reaper's decision on a snapshot: the witness to reap, or null. */
function witnessToReap(snapshot) {
  const rs = replicas(snapshot);
  const witness = rs.find(isWitness);
  if (!witness) return null;
  // The fix's decision part: an INACTIVE diskful means degraded redundancy and a backfill is coming;
  // the witness is its target, not an orphan. (The buggy reaper filters INACTIVE out of the voters.)
  if (mode === 'fixed' && rs.some(isInactiveDiskful)) return null;
  // 1 active diskful + 1 witness: the reaper treats the witness as an orphan
  return rs.filter(isActiveDiskful).length < 2 ? witness.node : null;
}

/** The placer: promote a witness (or use a free node) until place-count active diskful replicas exist. */
async function place() {
  const nodes = ['node1', 'node2', 'node3', 'node4'];
  let promoted = null;
  const cm = await update('placer', (cm) => {
    const rs = replicas(cm);
    const want = Number(cm.data?.['place-count'] ?? 2);
    if (rs.filter(isActiveDiskful).length >= want) return false;
    const target = rs.find(isWitness)?.node ?? nodes.find((n) => !rs.some((r) => r.node === n));
    if (!target) throw new Error('placer: no node left for a backfill');
    promoted = target;
    cm.data[PREFIX + target] = 'diskful';
  });
  log('placer', promoted ? `backfill: ${promoted} promoted to diskful (rv ${cm.metadata.resourceVersion})` : 'redundancy already satisfied');
}

/** The reaper's delete of `node`'s witness, observed in `snapshot`. */
async function reap(node, snapshot) {
  const path = `/data/${PREFIX}${node}`;
  if (mode === 'buggy') {
    // The incident: delete by name, no precondition. Whatever the row is now, it goes.
    const body = [{ op: 'remove', path }];
    const cm = await core.patchNamespacedConfigMap({ name, namespace, body }, bounded(PatchStrategy.JsonPatch));
    log('reaper', `deleted replica ${node} by name (rv ${cm.metadata.resourceVersion}) — no precondition`);
    return;
  }
  // The fix: delete under the observed resourceVersion; a concurrent promotion makes it a 409.
  const mine = structuredClone(snapshot);
  delete mine.data[PREFIX + node];
  try {
    await replace(mine);
    log('reaper', `witness ${node} reaped under rv ${snapshot.metadata.resourceVersion}`);
  } catch (err) {
    if (code(err) !== 409) throw err;
    const now = replicas(await read()).find((r) => r.node === node);
    log('reaper', `delete under rv ${snapshot.metadata.resourceVersion}: 409 Conflict; ${node} is now ${now ? [...now.flags].join(',') : 'gone'}, left intact`);
  }
}

async function autoPlace() {
  const snapshot = await read();
  const pending = snapshot.metadata.annotations?.[PENDING];
  // 1. the in-flight reconcile's read (before the placer writes)
  const victim = pending ? witnessToReap(snapshot) : null;
  if (pending) log('reaper', `[${mode}] read rv ${snapshot.metadata.resourceVersion}: ${victim ? `witness on ${victim} looks orphaned, will reap` : 'witness held'}`);
  // 2. the placer's backfill lands in the gap
  await place();
  // 3. the reaper's delete, then its reconcile is done
  if (victim) await reap(victim, snapshot);
  if (pending) {
    await update('reaper', (cm) => {
      if (!cm.metadata.annotations?.[PENDING]) return false;
      delete cm.metadata.annotations[PENDING];
    });
  }
}

async function status() {
  const cm = await read();
  const rs = replicas(cm);
  const out = {
    resource: rd,
    namespace,
    placeCount: Number(cm.data?.['place-count'] ?? 2),
    activeDiskful: rs.filter(isActiveDiskful).length,
    inactiveDiskful: rs.filter(isInactiveDiskful).length,
    witnesses: rs.filter(isWitness).length,
    reconcilePending: !!cm.metadata.annotations?.[PENDING],
    resourceVersion: cm.metadata.resourceVersion,
    replicas: rs.map((r) => ({ node: r.node, flags: [...r.flags] })),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function teardown() {
  try {
    await core.deleteNamespacedConfigMap({ name, namespace }, bounded());
  } catch (err) {
    if (code(err) !== 404) throw err;
  }
  log('teardown', `${namespace}/${name} deleted`);
}

async function main() {
  if (!['fixed', 'cas', 'buggy'].includes(mode)) throw new Error(`unknown mode ${mode} (fixed, cas, buggy)`);
  const [cmd, ...rest] = positional;
  if (cmd === 'setup') return setup();
  if (cmd === 'deactivate') return deactivate(rest[0]);
  if (cmd === 'r' && rest[0] === 'c' && flag('auto-place')) return autoPlace();
  if (cmd === 'status') return status();
  if (cmd === 'teardown') return teardown();
  throw new Error('usage: blockstor-sim.mjs setup | deactivate <node> | r c --auto-place | status | teardown  [--buggy | --mode=fixed|cas|buggy]');
}

main().catch((err) => {
  process.stderr.write(`blockstor-sim: ${err?.body?.message ?? err?.message ?? err}\n`);
  process.exit(1);
});
