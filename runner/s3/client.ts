/**
 * One way to talk S3 to a stand, shared by the S3 probes, workloads and faults.
 * Every client has connection and request timeouts; `send` passes the caller's
 * AbortSignal to the SDK. Callers that cannot pass a signal per call (the upload
 * workload's parallel parts) get a client bound to one: every request it makes aborts with it.
 * Nothing here logs requests, bodies or credentials.
 */
import { Readable } from 'node:stream';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { httpHandler, S3Client } from './sdk.js';
import type { Stand } from '../core/contracts.js';
import { FaultlineError, UnsupportedError, messageOf } from '../core/errors.js';

// The SDK warns once per process that future releases need Node 22; it is noise in a run's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3ClientOptions {
  /** TCP connect bound (default 3 s) */
  connectionTimeoutMs?: number;
  /** whole-request bound per attempt, 0 = none (default 10 s: probes make small calls) */
  requestTimeoutMs?: number;
  /** socket idle bound (default 15 s): a peer that vanished without FIN/RST */
  socketTimeoutMs?: number;
  /** SDK attempts per call (default 2) */
  maxAttempts?: number;
  /** every request made by this client also aborts with this signal */
  signal?: AbortSignal;
  /** request body bytes as they are handed to the socket; `restart` marks a new attempt */
  onBody?: (event: { query: Record<string, unknown>; bytes: number; restart: boolean }) => void;
}

const bodyChunk = 256 * 1024;

/** Streams a buffered body in slices so the bytes written can be counted. */
function countedBody(body: Uint8Array, count: (n: number) => void): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: bodyChunk,
    read() {
      if (offset >= body.byteLength) {
        this.push(null);
        return;
      }
      const slice = body.subarray(offset, Math.min(offset + bodyChunk, body.byteLength));
      offset += slice.byteLength;
      count(slice.byteLength);
      this.push(slice);
    },
  });
}

type HandlerConfig = ConstructorParameters<typeof NodeHttpHandler>[0];
type BoundHandlerClass = new (config: HandlerConfig, extra: Pick<S3ClientOptions, 'signal' | 'onBody'>) => NodeHttpHandler;
let boundHandler: BoundHandlerClass | undefined;

/** NodeHttpHandler that also honours a fixed signal and reports body bytes (made on first use: it extends the SDK's class). */
function boundHandlerClass(): BoundHandlerClass {
  return (boundHandler ??= class BoundHandler extends httpHandler.get().NodeHttpHandler {
    constructor(
      config: HandlerConfig,
      private readonly extra: Pick<S3ClientOptions, 'signal' | 'onBody'>,
    ) {
      super(config);
    }

    override async handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
      const { signal, onBody } = this.extra;
      const signals = [signal, options.abortSignal as AbortSignal | undefined].filter((s): s is AbortSignal => !!s);
      // a fresh signal per request: concurrent requests never pile listeners onto the run's signal
      const abortSignal = signals.length ? AbortSignal.any(signals) : undefined;
      let req = request;
      if (onBody && request.body instanceof Uint8Array) {
        const query = request.query as Record<string, unknown>;
        onBody({ query, bytes: 0, restart: true });
        // a shallow copy: the SDK may retry with the original request
        req = Object.assign(Object.create(Object.getPrototypeOf(request)), request, {
          body: countedBody(request.body, (bytes) => onBody({ query, bytes, restart: false })),
        });
      }
      return super.handle(req, { ...options, abortSignal });
    }
  });
}

/** A client for the stand's S3 endpoint; `destroy()` it when done. */
export function s3Client(stand: Stand, options: S3ClientOptions = {}): S3Client {
  const target = stand.s3;
  if (!target) throw new UnsupportedError('S3', stand.name, 'the stand has no S3 endpoint');
  const handler = new (boundHandlerClass())(
    {
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      throwOnRequestTimeout: true,
      socketTimeout: options.socketTimeoutMs ?? 15_000,
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
    },
    { signal: options.signal, onBody: options.onBody },
  );
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    forcePathStyle: true,
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: handler,
    // no client-side CRC32 of every body (the SDK's default costs JS CPU per byte);
    // integrity is checked end to end by the ledger's sha256 read-back instead
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Runs `fn` with a fresh client and always destroys it. */
export async function withS3<T>(stand: Stand, options: S3ClientOptions, fn: (client: S3Client) => Promise<T>): Promise<T> {
  const client = s3Client(stand, options);
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Sends one command (any S3 command object) with the caller's signal. */
export function send<O = unknown>(client: S3Client, command: object, signal: AbortSignal): Promise<O> {
  const sendAny = client.send.bind(client) as (c: unknown, o: { abortSignal: AbortSignal }) => Promise<O>;
  return sendAny(command, { abortSignal: signal });
}

interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** HTTP status of an S3 error, when the server answered. */
export function s3Status(err: unknown): number | undefined {
  return (err as S3ErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** The server said the bucket or key does not exist. */
export function isNotFound(err: unknown): boolean {
  const e = err as S3ErrorShape | undefined;
  return s3Status(err) === 404 || ['NotFound', 'NoSuchBucket', 'NoSuchKey'].includes(e?.name ?? '');
}

/** "NoSuchBucket (HTTP 404)", or the transport error's message. Never includes request data. */
export function s3ErrorText(err: unknown): string {
  const status = s3Status(err);
  const e = err as S3ErrorShape | undefined;
  const name = e?.Code ?? e?.name;
  if (status !== undefined) return `${name && name !== 'Error' && name !== 'UnknownError' ? name : 'error'} (HTTP ${status})`;
  return messageOf(err);
}

/** Wraps an SDK failure for a step that has no better answer than "could not evaluate". */
export function s3Failure(what: string, err: unknown): FaultlineError {
  return new FaultlineError('s3', `${what}: ${s3ErrorText(err)}`, { cause: err });
}
