/**
 * The flow graph as the canvas edits it (xyflow's node/edge shape) and the zod schemas that check it. The
 * API, the canvas and flows-as-code share these schemas.
 */
import { z } from 'zod';
import type { Condition } from './conditions';

const id = z.string().min(1).max(100);
const position = z.object({ x: z.number(), y: z.number() });
const scalar = z.union([z.string().max(1000, 'At most 1,000 characters'), z.number(), z.boolean()]);
const systemName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Choose a webhook');
const httpStatus = z.number({ error: 'Enter an HTTP status' }).int('Enter a whole HTTP status').min(100, 'An HTTP status is between 100 and 599').max(599, 'An HTTP status is between 100 and 599');

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal('webhook'), webhook: systemName, outcome: z.enum(['succeeded', 'failed']) }),
    z.object({ kind: z.literal('status'), webhook: systemName, op: z.literal('eq'), value: httpStatus }),
    z.object({
      kind: z.literal('status'),
      webhook: systemName,
      op: z.literal('in_range'),
      min: httpStatus,
      max: httpStatus,
    }),
    z.object({
      kind: z.literal('field'),
      path: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/, 'Enter a variable, like Customer.Tier or Webhooks.crm.Fields.tier'),
      op: z.enum(['eq', 'neq', 'contains', 'exists', 'not_exists', 'gt', 'lt', 'gte', 'lte', 'matches']),
      value: scalar.optional(),
    }),
    z.object({ kind: z.literal('group'), combinator: z.enum(['and', 'or']), conditions: z.array(conditionSchema).max(50) }),
  ]),
);

export const triggerNodeSchema = z.object({
  id,
  type: z.literal('trigger'),
  position,
  data: z.object({
    eventType: z.string().max(200, 'At most 200 characters'),
    /** customer attribute filter: the run starts only when it holds */
    filter: conditionSchema.nullish(),
    /** start for visitors known only by an anonymous id too (Segment calls without a userId) */
    anonymous: z.boolean().optional(),
  }),
});

export const webhookNodeSchema = z.object({
  id,
  type: z.literal('webhook'),
  position,
  data: z.object({ webhookId: z.string().max(100) }),
});

export const branchNodeSchema = z.object({
  id,
  type: z.literal('branch'),
  position,
  data: z.object({
    branches: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/), label: z.string().max(100, 'At most 100 characters'), condition: conditionSchema })).max(20, 'At most 20 outputs'),
  }),
});

export const waitNodeSchema = z.object({
  id,
  type: z.literal('wait'),
  position,
  data: z.union([
    z.object({
      mode: z.literal('duration'),
      seconds: z
        .number({ error: 'Enter how long' })
        .int('Use whole seconds (0.5 minutes is 30 seconds)')
        .min(1, 'At least 1 second')
        .max(60 * 60 * 24 * 365, 'At most 365 days'),
    }),
    z.object({
      mode: z.literal('until'),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time of day, like 09:30'),
      timeZone: z.string().min(1, 'Choose a time zone').max(64, 'At most 64 characters'),
    }),
  ]),
});

export const endNodeSchema = z.object({ id, type: z.literal('end'), position, data: z.object({}).optional() });

const flowNodeSchema = z.discriminatedUnion('type', [triggerNodeSchema, webhookNodeSchema, branchNodeSchema, waitNodeSchema, endNodeSchema]);

export const flowEdgeSchema = z.object({
  id,
  source: z.string(),
  target: z.string(),
  /** branch outputs: a branch id, or "else" */
  sourceHandle: z.string().nullish(),
});

export const flowGraphSchema = z.object({
  nodes: z.array(flowNodeSchema).max(500),
  edges: z.array(flowEdgeSchema).max(2000),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type FlowGraph = z.infer<typeof flowGraphSchema>;
export type FlowNodeType = FlowNode['type'];

export const ELSE_HANDLE = 'else';

/** The output handles a node offers, in order. */
export function outputHandles(node: FlowNode): (string | null)[] {
  switch (node.type) {
    case 'branch':
      return [...node.data.branches.map((b) => b.id), ELSE_HANDLE];
    case 'end':
      return [];
    default:
      return [null];
  }
}
