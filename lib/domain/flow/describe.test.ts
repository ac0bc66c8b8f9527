import { describe, expect, it } from 'vitest';
import { describeDuration, runDetails, runSummary, waitSummary, webhookSummary } from './describe';
import { runQueries } from './run-queries';

const input = {
  flow: { id: 'f1', name: 'Welcome new customers', versionId: 'v', version: 3 },
  customer: { Id: 'c-42', Email: 'ada@example.com' },
  event: { Id: 'evt-1', Type: 'customer.signed_up', Data: {}, OccurredAt: '2026-12-01T10:00:00.000Z' },
};

describe('how runs read in the Temporal UI', () => {
  it('names the flow, version, customer and event type in the summary', () => {
    expect(runSummary(input)).toBe('Welcome new customers v3 · customer c-42 · customer.signed_up');
    expect(runSummary({ ...input, flow: { ...input.flow, versionId: null, version: 0 }, test: { mode: 'dry' } })).toBe('Welcome new customers draft, dry-run test · customer c-42 · customer.signed_up');
    expect(runSummary({ ...input, test: { mode: 'live' } })).toBe('Welcome new customers v3, live test · customer c-42 · customer.signed_up');
  });

  it('links the flow in the details and names the event and trigger', () => {
    const details = runDetails(input, 'http://localhost:3000/flows/f1');
    expect(details).toContain('[Welcome new customers](http://localhost:3000/flows/f1)');
    expect(details).toContain('`evt-1`');
    expect(details).toContain('customer.signed_up');
  });

  it('summarises a webhook step by its request, and old plans by their system name', () => {
    const base = { kind: 'webhook' as const, id: 'w', webhookId: 'wh', systemName: 'create_ticket', retry: { maxAttempts: 1, windowSeconds: 0 }, next: null };
    expect(webhookSummary({ ...base, request: { method: 'POST', integration: 'Helpdesk', path: '/tickets' } })).toBe('Webhook create_ticket · POST Helpdesk /tickets');
    expect(webhookSummary(base)).toBe('Webhook create_ticket');
  });

  it('summarises waits in the largest two units', () => {
    expect(waitSummary({ kind: 'wait', id: 'w', seconds: 7200, next: null })).toBe('Wait 2 h');
    expect(waitSummary({ kind: 'wait', id: 'w', until: { time: '09:00', timeZone: 'Europe/Paris' }, next: null })).toBe('Wait until 09:00 Europe/Paris');
    expect(describeDuration(90)).toBe('1 min 30 s');
    expect(describeDuration(86_400 + 6 * 3600 + 59)).toBe('1 d 6 h');
    expect(describeDuration(0)).toBe('0 s');
  });
});

describe('visibility queries', () => {
  it('find a flow, a version, failed runs, a customer and an event', () => {
    expect(runQueries.flow('f1')).toBe('HookflowFlowId = "f1"');
    expect(runQueries.version('f1', 3)).toBe('HookflowFlowId = "f1" AND HookflowFlowVersion = 3');
    expect(runQueries.failed('f1')).toContain('HookflowOutcome IN ("failed", "has-failed-webhooks")');
    expect(runQueries.event('evt-1')).toBe('HookflowEventId = "evt-1"');
  });

  it('quote customer ids that hold quotes, and give up on ids that hold both kinds', () => {
    expect(runQueries.customer('o"brien')).toBe(`HookflowCustomerId = 'o"brien'`);
    expect(runQueries.customer(`o"b'rien`)).toBeNull();
  });
});
