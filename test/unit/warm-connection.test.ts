/**
 * A rate-limited send opens its connection ahead of its slot (warmConnection), on a real loopback server:
 * the request then goes out on that connection, so connecting costs nothing after the slot.
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';

process.env.HOOKFLOW_ALLOWED_NETWORKS = '127.0.0.0/8';
const { sendRequest, warmConnection } = await import('../../lib/server/webhooks/send');

const options = { connectTimeoutMs: 10_000, requestTimeoutMs: 5_000, maxResponseBytes: 1000 };
const post = (url: string) => sendRequest({ method: 'POST', url, headers: [{ name: 'content-type', value: 'application/json', secret: false }], body: '{}' }, options);

describe('warmConnection', () => {
  it('opens a connection before the request, and the request goes out on it', async () => {
    let accepted = 0;
    const server = createServer((req, res) => req.resume().on('end', () => res.end('{}'))).on('connection', () => accepted++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      await warmConnection(url, options.connectTimeoutMs);
      await expect.poll(() => accepted).toBe(1);
      const outcome = await post(url);
      expect(outcome.status).toBe(200);
      expect(accepted).toBe(1);
      // Just used: its connection is kept alive, so nothing more is opened.
      await warmConnection(url, options.connectTimeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(accepted).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never connects to a blocked destination, nor to a malformed URL', async () => {
    const started = Date.now();
    // 10.0.0.0/8 is closed by default: a connection attempt to this unrouted address would hang for the
    // 10 s connect timeout; the check refuses it at once.
    await warmConnection('http://10.255.255.1:9/hook', 10_000);
    await warmConnection('not a url', 10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await post('http://10.255.255.1:9/hook')).errorClass).toBe('blocked');
  });
});
