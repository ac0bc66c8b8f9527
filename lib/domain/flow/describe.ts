/**
 * How a run and its steps read in the Temporal UI: the run's summary and details, each step's summary,
 * and what the run is doing now. Pure; the workflow and the dispatcher share it.
 */
import type { PlanNode } from './plan';
import type { CustomerFlowInput } from './run';

/** "2 h", "1 d 6 h", "90 s": the largest two units. */
export function describeDuration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || '0 s';
}

/** "Webhook create_ticket · POST Helpdesk /tickets" (plans published before carry only the system name). */
export function webhookSummary(node: Extract<PlanNode, { kind: 'webhook' }>): string {
  const request = node.request ? ` · ${[node.request.method, node.request.integration, node.request.path].filter(Boolean).join(' ')}` : '';
  return `Webhook ${node.systemName}${request}`;
}

/** "Wait 2 h", or "Wait until 09:00 Europe/Paris". */
export function waitSummary(node: Extract<PlanNode, { kind: 'wait' }>): string {
  return 'seconds' in node ? `Wait ${describeDuration(node.seconds)}` : `Wait until ${node.until.time} ${node.until.timeZone}`;
}

/** "Welcome new customers v3 · customer c-42 · customer.signed_up" */
export function runSummary(input: Pick<CustomerFlowInput, 'flow' | 'customer' | 'event' | 'test'>): string {
  return `${input.flow.name} ${versionWords(input)} · customer ${String(input.customer.Id)} · ${input.event.Type}`;
}

/** "v3", or for a test run "draft, dry-run test" / "v3, live test". */
function versionWords(input: Pick<CustomerFlowInput, 'flow' | 'test'>): string {
  const version = input.flow.versionId === null ? 'draft' : `v${input.flow.version}`;
  return input.test ? `${version}, ${input.test.mode === 'dry' ? 'dry-run' : 'live'} test` : version;
}

/** The run's details in the Temporal UI (markdown): the flow with a link to it, the event, the trigger. */
export function runDetails(input: Pick<CustomerFlowInput, 'flow' | 'event' | 'customer' | 'test'>, flowUrl: string): string {
  return [
    `**Flow:** [${input.flow.name}](${flowUrl}) (${input.flow.versionId === null ? 'the draft' : `version ${input.flow.version}`}, id \`${input.flow.id}\`)`,
    ...(input.test ? [`**Test run:** ${input.test.mode === 'dry' ? 'a dry run: nothing is sent' : 'live: requests are really sent'}`] : []),
    `**Event:** \`${input.event.Id}\` (${input.event.Type}, occurred ${input.event.OccurredAt})`,
    `**Customer:** \`${String(input.customer.Id)}\``,
    `**Trigger:** the event type \`${input.event.Type}\``,
  ].join('\n\n');
}
