/**
 * The path a run took, as it is recorded when the run finishes (Run.trace) and added up for the canvas
 * counts (StepCount). Imported by the workflow: pure and deterministic.
 *
 * When a run's last webhook step marks the run finished in the same write as its attempt, the steps after it
 * (only branches and ends) have not run yet: the activity walks them with `walkTail`, the function the
 * workflow then walks them with, on the same context, so both arrive at the same path.
 */
import { evaluateCondition } from './conditions';
import { successors, type PlanNode } from './plan';
import type { WebhookOutcome } from './run';

export interface RunTrace {
  /** node ids in the order the run entered them (the trigger is not a plan node) */
  path: string[];
  /** for each branch passed: the output it took (a condition id, or "else") */
  outputs: Record<string, string>;
  /** webhook steps whose final outcome was a failure (the run went on) */
  failed: string[];
}

type BranchNode = Extract<PlanNode, { kind: 'branch' }>;

/** The output a branch takes: the first condition that holds, else "else". */
export function chooseBranch(node: BranchNode, context: Record<string, unknown>): { output: string; next: string | null } {
  const taken = node.branches.find((branch) => evaluateCondition(branch.condition, context));
  return taken ? { output: taken.id, next: taken.next } : { output: 'else', next: node.elseNext };
}

/** The nodes reachable after `node`: what a last webhook step needs to finish the trace (only branches and ends). */
export function nodesAfter(nodes: Readonly<Record<string, PlanNode>>, node: PlanNode): Record<string, PlanNode> {
  const found: Record<string, PlanNode> = {};
  const queue = successors(node);
  while (queue.length > 0) {
    const id = queue.pop()!;
    const next = nodes[id];
    if (!next || found[id]) continue;
    found[id] = next;
    queue.push(...successors(next));
  }
  return found;
}

/**
 * Walks branches and ends from `start` (webhooks and waits stop the walk: they do I/O, the activity cannot
 * run them), adding to a copy of `trace`.
 */
export function walkTail(nodes: Readonly<Record<string, PlanNode>>, start: string | null, context: Record<string, unknown>, trace: RunTrace): RunTrace {
  const path = [...trace.path];
  const outputs = { ...trace.outputs };
  let id = start;
  for (let steps = 0; id !== null && steps < 1000; steps++) {
    const node: PlanNode | undefined = nodes[id];
    if (!node || node.kind === 'webhook' || node.kind === 'wait') break;
    path.push(node.id);
    if (node.kind === 'end') break;
    const choice = chooseBranch(node, context);
    outputs[node.id] = choice.output;
    id = choice.next;
  }
  return { path, outputs, failed: [...trace.failed] };
}

/** What a later step sees of a webhook step that succeeded. */
export function succeededOutcome(result: { status: number; body: unknown; fields: Record<string, unknown>; attempt: number; captureError?: string }): WebhookOutcome {
  return { Ok: true, Status: result.status, Body: result.body, Fields: result.fields, Attempts: result.attempt, ...(result.captureError ? { CaptureError: result.captureError } : {}) };
}

/** What a later step sees of a webhook step that failed for good. */
export function failedOutcome(status: number | null, message: string, attempts: number): WebhookOutcome {
  return { Ok: false, Status: status, Error: message, Attempts: attempts };
}

export type FinalStatus = 'completed' | 'failed' | 'cancelled';

export interface StepCountRow {
  /** "" is the run itself (shown on the trigger) */
  nodeId: string;
  /** a branch output, or "" for the step */
  output: string;
  entered: number;
  succeeded: number;
  failed: number;
}

/**
 * What one finished run adds to the canvas counts: the run (entered, and succeeded or failed), each step it
 * entered (failed: a webhook whose final outcome failed, or the step a failed or cancelled run stopped on),
 * and each branch output it took.
 */
export function stepCountRows(trace: RunTrace, status: FinalStatus): StepCountRow[] {
  const ok = status === 'completed';
  const rows: StepCountRow[] = [{ nodeId: '', output: '', entered: 1, succeeded: ok ? 1 : 0, failed: ok ? 0 : 1 }];
  const failed = new Set(trace.failed);
  const seen = new Set<string>();
  trace.path.forEach((nodeId, index) => {
    if (seen.has(nodeId)) return;
    seen.add(nodeId);
    const bad = failed.has(nodeId) || (!ok && index === trace.path.length - 1);
    rows.push({ nodeId, output: '', entered: 1, succeeded: bad ? 0 : 1, failed: bad ? 1 : 0 });
  });
  for (const [nodeId, output] of Object.entries(trace.outputs)) {
    if (output === '') continue;
    rows.push({ nodeId, output, entered: 1, succeeded: 1, failed: 0 });
  }
  return rows;
}
