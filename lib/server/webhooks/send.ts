/**
 * Sends a built request with undici and classifies what happened. Never throws for HTTP or network
 * problems: the result says what went wrong, and the caller decides whether that is retried.
 */
import type { Socket } from 'node:net';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import type { BuiltRequest } from '../../domain/webhook/request';
import { checkDestination, guardedLookup, isAllowedService, BlockedDestinationError } from './destination';
import { currentTraceparent, inSpan, SpanKind, SpanStatusCode, tracingOn } from '../tracing';

export type ErrorClass =
  | 'http_4xx'
  | 'http_429'
  | 'http_5xx'
  | 'http_3xx'
  | 'timeout'
  | 'connection'
  | 'dns'
  | 'tls'
  | 'blocked'
  | 'template'
  | 'config'
  | 'rate_limit';

export interface SendOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** bytes of response body kept; the rest is discarded and the response marked truncated */
  maxResponseBytes: number;
  /** aborts the request (the activity's cancellation); its reason is rethrown, not classified */
  signal?: AbortSignal;
  /** send the W3C `traceparent` of the request's span (the integration's switch; only while tracing is on) */
  traceparent?: boolean;
  /** called right before the request is handed to the HTTP client (a rate-limited send reports its lateness) */
  onDispatch?: () => void;
}

export const DEFAULT_SEND_OPTIONS: SendOptions = { connectTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxResponseBytes: 1_000_000 };

export interface SendOutcome {
  ok: boolean;
  status: number | null;
  headers: Record<string, string>;
  body: string | null;
  truncated: boolean;
  durationMs: number;
  errorClass: ErrorClass | null;
  /** plain words: what happened and what to check */
  errorMessage: string | null;
  /** seconds from a Retry-After header, when there was one */
  retryAfterSeconds: number | null;
}

const agents = new Map<string, Agent>();
const KEEP_ALIVE_MS = 4_000;

/**
 * Connections opened ahead of a request (warmConnection), per agent and origin; undici takes one when it
 * needs a new connection to that origin, and one nobody took is closed after the keep-alive time.
 */
const spares = new Map<string, { socket: Socket; timer: NodeJS.Timeout }>();
/** spares being opened */
const opening = new Set<string>();

/** One agent, and one connector, per connect timeout and address guard. */
const poolKey = (connectTimeoutMs: number, guarded: boolean) => `${connectTimeoutMs}:${guarded}`;
/** A connection opened ahead for one service, under its agent's pool key. */
const spareKey = (pool: string, protocol: string | undefined, host: string | undefined) => `${pool}|${protocol}//${host}`;

/** undici's connector, except that it hands over a connection opened ahead when there is one. */
function connectorWithSpares(key: string, base: ReturnType<typeof buildConnector>): ReturnType<typeof buildConnector> {
  return (options, callback) => {
    const spareFor = spareKey(key, options.protocol, options.host);
    const spare = spares.get(spareFor);
    if (spare) {
      spares.delete(spareFor);
      clearTimeout(spare.timer);
      // Answered on the next tick, as a fresh connection would be: undici does not expect the callback at once.
      if (!spare.socket.destroyed) return process.nextTick(callback, null, spare.socket);
    }
    base(options, callback);
  };
}

const connectors = new Map<string, ReturnType<typeof buildConnector>>();
/** Connections check every resolved address, unless HOOKFLOW_ALLOWED_NETWORKS names the service itself. */
function baseConnector(connectTimeoutMs: number, guarded: boolean): ReturnType<typeof buildConnector> {
  const key = poolKey(connectTimeoutMs, guarded);
  let connector = connectors.get(key);
  if (!connector) {
    connector = buildConnector({ timeout: connectTimeoutMs, ...(guarded ? { lookup: guardedLookup } : {}) });
    connectors.set(key, connector);
  }
  return connector;
}

function agentFor(connectTimeoutMs: number, guarded: boolean): Agent {
  const key = poolKey(connectTimeoutMs, guarded);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: connectorWithSpares(key, baseConnector(connectTimeoutMs, guarded)), keepAliveTimeout: KEEP_ALIVE_MS });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Opens a connection to the request's service ahead of its send time, unless an idle one is open already
 * (undici's pool for the origin has more connections than requests) or one is being kept. A rate-limited
 * request calls this shortly before its slot, and waits for it when the slot is closer than that:
 * connecting (and for HTTPS the TLS handshake) then happens before the slot rather than after it, so the
 * request reaches the service right at its slot time. Blocked destinations are never connected to;
 * failures are left to the request itself.
 */
export async function warmConnection(url: string, connectTimeoutMs: number): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
    await checkDestination(url);
  } catch {
    return;
  }
  const guarded = !isAllowedService(url);
  const key = spareKey(poolKey(connectTimeoutMs, guarded), parsed.protocol, parsed.host);
  if (spares.has(key) || opening.has(key)) return;
  // A kept-alive connection with no request on it is what the request will use: nothing to open.
  const pool = agentFor(connectTimeoutMs, guarded).stats[parsed.origin];
  if (pool && Number(pool.connected) > pool.size) return;
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  opening.add(key);
  await new Promise<void>((resolve) => {
    baseConnector(connectTimeoutMs, guarded)({ hostname, host: parsed.host, protocol: parsed.protocol, port: parsed.port }, (error, socket) => {
      opening.delete(key);
      if (error || !socket) return resolve();
      socket.on('error', () => undefined);
      const timer = setTimeout(() => {
        if (spares.get(key)?.socket === socket) spares.delete(key);
        socket.destroy();
      }, KEEP_ALIVE_MS);
      timer.unref?.();
      spares.set(key, { socket, timer });
      resolve();
    });
  });
}

/**
 * Sends the request, in a client span of its own while tracing is on. The span carries the method,
 * host and status, never the path, query or headers, which may hold secrets.
 */
export function sendRequest(built: BuiltRequest, options: SendOptions = DEFAULT_SEND_OPTIONS): Promise<SendOutcome> {
  // Every webhook request passes here: with tracing off, no span, no URL parse, no header copy.
  if (!tracingOn()) return send(built, options);
  const host = hostOf(built.url);
  return inSpan(
    `${built.method} ${host}`,
    { 'http.request.method': built.method, 'server.address': host },
    async (span) => {
      const traceparent = options.traceparent ? currentTraceparent() : null;
      const sent = traceparent ? { ...built, headers: [...built.headers.filter((h) => h.name.toLowerCase() !== 'traceparent'), { name: 'traceparent', value: traceparent, secret: false }] } : built;
      const outcome = await send(sent, options);
      if (outcome.status !== null) span.setAttribute('http.response.status_code', outcome.status);
      if (outcome.errorClass) {
        span.setAttribute('error.type', outcome.errorClass);
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass });
      }
      return outcome;
    },
    SpanKind.CLIENT,
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

async function send(built: BuiltRequest, options: SendOptions): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failure = (errorClass: ErrorClass, errorMessage: string): SendOutcome => ({
    ok: false,
    status: null,
    headers: {},
    body: null,
    truncated: false,
    durationMs: elapsed(),
    errorClass,
    errorMessage,
    retryAfterSeconds: null,
  });
  try {
    await checkDestination(built.url);
  } catch (error) {
    if (error instanceof BlockedDestinationError) return failure('blocked', error.message);
    throw error;
  }
  const headers: Record<string, string> = {};
  for (const h of built.headers) headers[h.name] = h.value;
  try {
    options.onDispatch?.();
    const response = await request(built.url, {
      method: built.method,
      headers,
      body: built.body ?? undefined,
      dispatcher: agentFor(options.connectTimeoutMs, !isAllowedService(built.url)),
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.requestTimeoutMs)]) : AbortSignal.timeout(options.requestTimeoutMs),
    });
    const { text, truncated } = await readCapped(response.body, options.maxResponseBytes);
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const status = response.statusCode;
    const retryAfterSeconds = parseRetryAfter(responseHeaders['retry-after']);
    const base = { status, headers: responseHeaders, body: text, truncated, durationMs: elapsed(), retryAfterSeconds };
    if (status >= 200 && status < 300) return { ...base, ok: true, errorClass: null, errorMessage: null };
    return { ...base, ok: false, ...classifyStatus(status) };
  } catch (error) {
    // Cancelled by its caller (the run was cancelled, or the worker is shutting down): not an outcome.
    if (options.signal?.aborted) throw options.signal.reason;
    return { ...failure('connection', ''), ...classifyNetworkError(error, built.url, options) };
  }
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > max) {
      chunks.push(buffer.subarray(0, max - size));
      size = max;
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

export function classifyStatus(status: number): { errorClass: ErrorClass; errorMessage: string } {
  if (status === 429) return { errorClass: 'http_429', errorMessage: 'HTTP 429 Too Many Requests: the service is rate limiting us' };
  if (status >= 500) return { errorClass: 'http_5xx', errorMessage: `HTTP ${status}: the service had an error on its side` };
  if (status >= 400) {
    const hint = status === 401 || status === 403 ? ' (check the credentials in the integration headers)' : status === 404 ? ' (check the URL path)' : '';
    return { errorClass: 'http_4xx', errorMessage: `HTTP ${status}: the service rejected the request${hint}` };
  }
  return { errorClass: 'http_3xx', errorMessage: `HTTP ${status}: the service answered with a redirect, which is not followed; use the final URL` };
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: string; name?: string; cause?: unknown };
    if (e.code) codes.push(e.code);
    if (e.name) codes.push(e.name);
    current = e.cause;
  }
  return codes;
}

function classifyNetworkError(error: unknown, url: string, options: SendOptions): { errorClass: ErrorClass; errorMessage: string } {
  const codes = errorCodes(error);
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const has = (...names: string[]) => names.some((n) => codes.includes(n));
  if (error instanceof BlockedDestinationError || has('HOOKFLOW_BLOCKED')) {
    return { errorClass: 'blocked', errorMessage: (error as Error).message };
  }
  if (has('UND_ERR_CONNECT_TIMEOUT')) {
    return { errorClass: 'timeout', errorMessage: `Timed out connecting to ${host} after ${options.connectTimeoutMs / 1000} s` };
  }
  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TimeoutError', 'AbortError', 'ETIMEDOUT')) {
    return { errorClass: 'timeout', errorMessage: `${host} did not answer within ${options.requestTimeoutMs / 1000} s` };
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return { errorClass: 'dns', errorMessage: `DNS lookup failed: the host name ${host} could not be resolved` };
  }
  if (has('ECONNREFUSED')) return { errorClass: 'connection', errorMessage: `Connection refused by ${host}: nothing is listening there` };
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED')) {
    return { errorClass: 'connection', errorMessage: `The connection to ${host} was closed unexpectedly` };
  }
  if (codes.some((c) => /CERT|TLS|SSL|SELF_SIGNED/i.test(c))) {
    return { errorClass: 'tls', errorMessage: `TLS/HTTPS problem with ${host}: ${(error as Error).message}` };
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH')) return { errorClass: 'connection', errorMessage: `${host} is unreachable from this server` };
  return { errorClass: 'connection', errorMessage: `Could not reach ${host}: ${(error as Error)?.message ?? String(error)}` };
}

/** Whether an attempt that ended this way may be retried under the idempotency rule. */
export function isRetryable(errorClass: ErrorClass | null): boolean {
  return errorClass === 'http_5xx' || errorClass === 'http_429' || errorClass === 'timeout' || errorClass === 'connection';
}
