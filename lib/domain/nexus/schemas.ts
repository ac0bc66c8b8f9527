/**
 * The contract of the `hookflow` Nexus service, as zod schemas: what each operation takes and answers.
 * The handlers validate with them, and docs/nexus.schema.json (JSON Schema, for callers in other SDKs) is
 * generated from them (`npm run docs:schema`). Pure: no I/O.
 */
import { z } from 'zod';
import { eventInputSchema } from '../events/schema';

/** `triggerEvent` takes exactly what POST /api/events takes. */
const triggerEventInputSchema = eventInputSchema;

const triggerEventOutputSchema = z.object({
  eventId: z.string(),
  /** the runs the event started; a repeated event id answers the runs of its first delivery */
  runs: z.array(z.object({ flowId: z.string(), workflowId: z.string(), temporalUrl: z.string() })),
  /** some runs are stored but not started yet (Temporal did not answer); they start once it does */
  pending: z.literal(true).optional(),
});

/** `startFlow`: one published flow for one customer. The event's type is the flow's trigger event type. */
export const startFlowInputSchema = z
  .object({
    flow: z.string({ error: 'is required: the flow\'s id, or its name' }).min(1).max(200),
    /** as POST /api/events takes it; `type` may be left out (it is the flow's trigger event type) */
    event: eventInputSchema.omit({ type: true }).extend({ type: z.string().optional() }),
  })
  .strict();

const webhookOutcomeSchema = z.object({
  Ok: z.boolean(),
  Status: z.number().nullable(),
  Body: z.unknown().optional(),
  Fields: z.record(z.string(), z.unknown()).optional(),
  Error: z.string().optional(),
  CaptureError: z.string().optional(),
  Attempts: z.number(),
});

/** What a run returns: the node ids it passed, and each webhook's outcome by system name (`Webhooks.<sys>`). */
const startFlowOutputSchema = z.object({ path: z.array(z.string()), webhooks: z.record(z.string(), webhookOutcomeSchema) });

export const getRunInputSchema = z.object({ workflowId: z.string({ error: 'is required: the run\'s workflow id, flow/<flowId>/<eventId>' }).min(1).max(500) }).strict();

const runStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);

const getRunOutputSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  flow: z.object({ id: z.string(), name: z.string(), version: z.number() }),
  customerId: z.string(),
  eventId: z.string(),
  status: runStatusSchema,
  /** node ids the run entered, in order (the last one is running while the run is) */
  path: z.array(z.string()),
  /** the last attempt of each webhook step so far, by system name */
  webhooks: z.record(z.string(), z.object({ ok: z.boolean(), status: z.number().nullable(), attempts: z.number(), error: z.string().optional() })),
});

export type TriggerEventInput = z.input<typeof triggerEventInputSchema>;
export type TriggerEventOutput = z.infer<typeof triggerEventOutputSchema>;
export type StartFlowInput = z.input<typeof startFlowInputSchema>;
export type StartFlowOutput = z.infer<typeof startFlowOutputSchema>;
export type GetRunInput = z.input<typeof getRunInputSchema>;
export type GetRunOutput = z.infer<typeof getRunOutputSchema>;

const OPERATIONS = {
  triggerEvent: { input: triggerEventInputSchema, output: triggerEventOutputSchema, kind: 'synchronous' },
  startFlow: { input: startFlowInputSchema, output: startFlowOutputSchema, kind: 'asynchronous (workflow run)' },
  getRun: { input: getRunInputSchema, output: getRunOutputSchema, kind: 'synchronous' },
} as const;

/** The JSON Schema of every operation's input and output, exactly as committed at docs/nexus.schema.json. */
export function nexusJsonSchemaText(): string {
  const operations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, op]) => [
      name,
      { kind: op.kind, input: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }), output: z.toJSONSchema(op.output, { io: 'output', unrepresentable: 'any' }) },
    ]),
  );
  return `${JSON.stringify({ title: 'Hookflow Nexus service', description: 'Service "hookflow", endpoint "hookflow" by default. See docs/plugin.md.', service: 'hookflow', operations }, null, 2)}\n`;
}
