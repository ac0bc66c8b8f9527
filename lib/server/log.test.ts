import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, rememberSecrets, temporalLogger } from './log';

/** A logger writing into an array of parsed lines. */
function capture(level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ name: 'worker', level, destination }), lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('structured logs', () => {
  it('writes one JSON object per line with the level, the process name, the message and its context', () => {
    const { logger, parsed } = capture();
    logger.child({ runId: 'run-1', flowId: 'flow-1' }).info({ webhook: 'create_ticket', transactionalId: 'tx-1' }, 'sent');
    expect(parsed()).toEqual([expect.objectContaining({ level: 30, name: 'worker', msg: 'sent', runId: 'run-1', flowId: 'flow-1', webhook: 'create_ticket', transactionalId: 'tx-1', time: expect.any(Number) })]);
  });

  it('leaves out what is below the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('not this');
    logger.warn('this');
    expect(lines).toHaveLength(1);
  });

  it('blanks the fields that hold secrets, by path', () => {
    const { logger, parsed } = capture();
    logger.info({ headers: { authorization: 'Bearer abc', cookie: 'hookflow_session=xyz', accept: 'json' }, password: 'hunter2' }, 'request');
    expect(parsed()[0]).toMatchObject({ headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'json' }, password: '[redacted]' });
  });

  it('masks every form of a secret this process has read, wherever it appears in the line', () => {
    const { logger, lines } = capture();
    const secret = 'sk_live_logtest_9f8e7d';
    rememberSecrets([`Bearer ${secret}`]);
    logger.error({ body: `echo: ${secret}`, url: `https://x.example/?k=${encodeURIComponent(secret)}` }, `failed with ${Buffer.from(secret).toString('base64')}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).not.toContain(Buffer.from(secret).toString('base64'));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50 });
  });

  it('carries the Temporal SDK lines at their level with their metadata', () => {
    const { logger, parsed } = capture('debug');
    const sdk = temporalLogger(logger);
    sdk.log('WARN', 'Activity failed', { workflowId: 'flow/f/e', activityType: 'sendWebhook' });
    sdk.debug('Worker state changed', { state: 'RUNNING' });
    sdk.trace('too fine');
    expect(parsed()).toEqual([
      expect.objectContaining({ level: 40, msg: 'Activity failed', workflowId: 'flow/f/e', activityType: 'sendWebhook', sdk: 'temporal' }),
      expect.objectContaining({ level: 20, msg: 'Worker state changed', state: 'RUNNING' }),
    ]);
  });
});
