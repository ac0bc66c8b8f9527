/**
 * A small HTTP receiver on loopback: the demo service `npm start` runs, and the receiver tests script.
 * It records every request with its arrival time and answers with a scripted response.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.timeOrigin-based milliseconds, for gap measurements */
  at: number;
  /** when the sender hung up before the answer was sent (same clock) */
  abortedAt?: number;
}

export interface ReceiverResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** wait this long before answering (timeouts) */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** decides each response; default 200 {"ok":true} */
  respond: (request: ReceivedRequest, index: number) => ReceiverResponse;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(options: { port?: number; host?: string; onRequest?: (r: ReceivedRequest) => void } = {}): Promise<Receiver> {
  const host = options.host ?? '127.0.0.1';
  const waiters: { count: number; resolve: () => void }[] = [];
  const receiver = {
    requests: [] as ReceivedRequest[],
    respond: (() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' })) as Receiver['respond'],
  } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.timeOrigin + performance.now(),
      };
      res.once('close', () => {
        if (!res.writableEnded) request.abortedAt = performance.timeOrigin + performance.now();
      });
      const index = receiver.requests.push(request) - 1;
      options.onRequest?.(request);
      const response = receiver.respond(request, index);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(response.status, response.headers ?? {});
        res.end(response.body ?? '');
      };
      if (response.delayMs) setTimeout(send, response.delayMs);
      else send();
      for (const waiter of [...waiters]) {
        if (receiver.requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  receiver.port = port;
  receiver.url = `http://${host}:${port}`;
  receiver.waitFor = (count, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      if (receiver.requests.length >= count) return resolve(receiver.requests.slice(0, count));
      const timer = setTimeout(() => reject(new Error(`receiver got ${receiver.requests.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(receiver.requests.slice(0, count))) });
    });
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/**
 * Run on its own (`tsx scripts/receiver.ts`), the receiver is a separate process whose timestamps no
 * test or benchmark work can delay. It prints its URL; `GET /__receiver/requests` returns what it got and
 * `PUT /__receiver/respond` sets a fixed response ({ status, headers?, body?, delayMs? }).
 * `GET /__receiver/arrivals?from=K&key=event` returns `[{ id, at }]` for the requests from index K on, with
 * `id` read from the JSON body's `key` field: what a benchmark of thousands of requests needs, without
 * copying every request's headers and body.
 */
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const receiver = await startReceiver({ port: Number(process.env.RECEIVER_PORT ?? 0) });
  let fixed: ReceiverResponse = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  receiver.respond = (request) => {
    if (request.url === '/__receiver/requests') {
      receiver.requests.pop();
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(receiver.requests) };
    }
    if (request.url.startsWith('/__receiver/arrivals?')) {
      receiver.requests.pop();
      const query = new URL(request.url, receiver.url).searchParams;
      const key = query.get('key') ?? 'id';
      const arrivals = receiver.requests.slice(Number(query.get('from') ?? 0)).map((r) => ({ id: idIn(r.body, key), at: r.at }));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(arrivals) };
    }
    if (request.url === '/__receiver/respond') {
      receiver.requests.pop();
      fixed = JSON.parse(request.body) as ReceiverResponse;
      return { status: 204 };
    }
    return fixed;
  };
  console.log(`receiver listening on ${receiver.url}`);
  process.on('SIGTERM', () => void receiver.close().then(() => process.exit(0)));
}

/** The string or number at `key` in a JSON object body, else null. */
function idIn(body: string, key: string): string | null {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  } catch {
    return null;
  }
}
