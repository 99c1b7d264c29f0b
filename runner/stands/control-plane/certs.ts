/**
 * PKI of an embedded Kubernetes stand, made with the openssl CLI: a CA, the API
 * server's serving certificate, one client certificate per identity the stand names
 * (components, admin, kubelets), and the service-account signing key. Keys are
 * ECDSA P-256 (fast to make, accepted everywhere).
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { runChild } from '../../core/child.js';
import { stringify } from '../../spec/lazy-libs.js';
import { FaultlineError } from '../../core/errors.js';
import { writeSecretFile } from '../../core/files.js';

const OPENSSL_MS = 30_000;

async function openssl(args: string[], cwd: string, signal: AbortSignal): Promise<void> {
  const what = `openssl ${args[0]}`;
  const r = await runChild({ file: 'openssl', args, cwd, what, timeoutMs: OPENSSL_MS, signal }).catch((err: unknown) => {
    throw new FaultlineError('control-plane-pki', `${what} failed`, { hint: 'is openssl installed? (Debian: apt-get install openssl)', cause: err });
  });
  if (r.exitCode !== 0) throw new FaultlineError('control-plane-pki', `${what} failed`, { cause: new Error(r.tail) });
}

interface Leaf {
  name: string;
  subject: string;
  usage: 'serverAuth' | 'clientAuth';
  san?: string;
}

/** Where the keys and certificates live. */
export interface PkiLayout {
  pki: string;
  cert(name: string): string;
  key(name: string): string;
}

export interface PkiSpec {
  /** CN of the stand's CA */
  caName: string;
  /** client certificate name -> subject; the CN is the user, O the group (RBAC) */
  clients: Record<string, string>;
  /** addresses the API server is reached at (its serving certificate's IP SANs) */
  serverIps: string[];
}

/** The identities every stand's control plane needs. */
export const PLANE_CLIENTS = {
  admin: '/O=system:masters/CN=faultline-admin',
  'kube-controller-manager': '/CN=system:kube-controller-manager',
  'kube-scheduler': '/CN=system:kube-scheduler',
} as const;

function serverSan(ips: string[]): string {
  return [
    ...ips.map((ip) => `IP:${ip}`),
    'IP:10.96.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
}

async function newKey(l: PkiLayout, name: string, signal: AbortSignal): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', l.key(name)], l.pki, signal);
  await chmod(l.key(name), 0o600);
}

async function issue(l: PkiLayout, leaf: Leaf, signal: AbortSignal): Promise<void> {
  await newKey(l, leaf.name, signal);
  const csr = `${leaf.name}.csr`;
  const ext = `${leaf.name}.ext`;
  const lines = ['[v3]', 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature', `extendedKeyUsage = ${leaf.usage}`];
  if (leaf.san) lines.push(`subjectAltName = ${leaf.san}`);
  await writeFile(`${l.pki}/${ext}`, lines.join('\n') + '\n');
  await openssl(['req', '-new', '-key', l.key(leaf.name), '-subj', leaf.subject, '-out', csr], l.pki, signal);
  await openssl(
    ['x509', '-req', '-in', csr, '-CA', l.cert('ca'), '-CAkey', l.key('ca'), '-set_serial', `0x${randomSerial()}`, '-days', '825', '-sha256', '-extfile', ext, '-extensions', 'v3', '-out', l.cert(leaf.name)],
    l.pki,
    signal,
  );
  await rm(`${l.pki}/${csr}`);
  await rm(`${l.pki}/${ext}`);
}

function randomSerial(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

/** Makes every key and certificate of the stand under `l.pki`. */
export async function makePki(l: PkiLayout, spec: PkiSpec, signal: AbortSignal): Promise<void> {
  await mkdir(l.pki, { recursive: true, mode: 0o700 });
  await newKey(l, 'ca', signal);
  await openssl(
    ['req', '-x509', '-new', '-key', l.key('ca'), '-subj', `/CN=${spec.caName}`, '-days', '3650', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', l.cert('ca')],
    l.pki,
    signal,
  );
  const leaves: Leaf[] = [
    { name: 'apiserver', subject: '/CN=kube-apiserver', usage: 'serverAuth', san: serverSan(spec.serverIps) },
    ...Object.entries(spec.clients).map(([name, subject]) => ({ name, subject, usage: 'clientAuth' as const })),
  ];
  await Promise.all(leaves.map((leaf) => issue(l, leaf, signal)));
  // service-account token signing key pair
  await newKey(l, 'sa', signal);
  await openssl(['pkey', '-in', l.key('sa'), '-pubout', '-out', `${l.pki}/sa.pub`], l.pki, signal);
}

export interface KubeconfigNames {
  cluster: string;
  context: string;
  /** https://host:port of the API server */
  server: string;
}

/** A self-contained kubeconfig (certificates inline) for one client identity. */
export async function writeKubeconfig(l: PkiLayout, path: string, client: string, names: KubeconfigNames): Promise<void> {
  const b64 = async (p: string) => (await readFile(p)).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: names.cluster, cluster: { server: names.server, 'certificate-authority-data': await b64(l.cert('ca')) } }],
    users: [{ name: client, user: { 'client-certificate-data': await b64(l.cert(client)), 'client-key-data': await b64(l.key(client)) } }],
    contexts: [{ name: names.context, context: { cluster: names.cluster, user: client } }],
    'current-context': names.context,
  };
  await writeSecretFile(path, stringify(doc));
}
