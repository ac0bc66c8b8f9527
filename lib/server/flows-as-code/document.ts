/**
 * The flows-as-code document: integrations, webhooks and flows as one versioned JSON file. It is built from
 * the same zod schemas the API validates with, so a document can never hold what the editors would refuse,
 * and docs/hookflow.schema.json is generated from it (`npm run docs:schema`).
 *
 * What differs from the database: nothing refers to a database id. Webhooks name their integration, webhook
 * steps name their webhook by system name, and secret header values are left out, named by `secretRef`.
 */
import { z } from 'zod';
import { branchNodeSchema, conditionSchema, endNodeSchema, flowEdgeSchema, triggerNodeSchema, waitNodeSchema, webhookNodeSchema } from '../../domain/flow/graph';
import { checkHeaderNames, headerNameSchema, integrationHeaderInput, integrationInput } from '../../domain/schemas/integration';
import { systemNameSchema, webhookInput } from '../../domain/schemas/webhook';

export const DOCUMENT_VERSION = 1;

/** Titles, descriptions and ids for the JSON Schema, kept out of zod's global registry. */
const docs = z.registry<{ id?: string; description?: string }>();
function described<T extends z.ZodType>(schema: T, description: string, id?: string): T {
  docs.add(schema, { description, ...(id ? { id } : {}) });
  return schema;
}

const SECRET_REF_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const secretRefSchema = z
  .string()
  .max(100)
  .regex(SECRET_REF_PATTERN, 'Use capital letters, digits and underscores, starting with a letter, e.g. HELPDESK_TOKEN');

/** The environment variable an import reads a secret from. */
export function secretEnvName(secretRef: string): string {
  return `HOOKFLOW_SECRET_${secretRef}`;
}

const plainHeaderSchema = z.strictObject({ name: headerNameSchema, value: integrationHeaderInput.shape.value.unwrap() });
const secretHeaderSchema = described(
  z.strictObject({ name: headerNameSchema, secretRef: secretRefSchema }),
  'A secret header. Its value is never exported; an import reads it from the environment variable HOOKFLOW_SECRET_<secretRef>, or keeps the value already stored for this header.',
);
const documentHeaderSchema = z.union([plainHeaderSchema, secretHeaderSchema], {
  error: 'A header has a "name" and either a plain "value" or a "secretRef" naming its secret (not both)',
});

// Header count and the other editor rules on the resolved values are checked again when the import is planned.
// The traceparent switch belongs to the deployment's tracing, not to a flow document: an import leaves it as it is.
const { headers: _headers, sendTraceparent: _sendTraceparent, ...integrationFields } = integrationInput.shape;
const documentIntegrationSchema = described(
  z
    .strictObject({ ...integrationFields, headers: z.array(documentHeaderSchema).default([]) })
    .superRefine((value, ctx) => checkHeaderNames(value.headers, ctx)),
  'An integration, matched on import by its name.',
  'integration',
);

const { integrationId: _integrationId, name: webhookName, systemName: _systemName, ...webhookFields } = webhookInput.shape;
const documentWebhookSchema = described(
  z.strictObject({
    systemName: systemNameSchema,
    name: webhookName,
    integration: described(z.string().trim().min(1, 'Name the integration this webhook belongs to').max(100), 'The name of its integration, in this document or already in Hookflow.'),
    ...webhookFields,
  }),
  'A webhook, matched on import by its system name.',
  'webhook',
);

/** A webhook step names its webhook by system name instead of the database id the canvas stores. */
const documentWebhookNodeSchema = webhookNodeSchema.extend({
  data: z.strictObject({ webhook: described(systemNameSchema.clone(), 'The system name of the webhook this step sends.') }),
});

const documentGraphSchema = described(
  z.strictObject({
    nodes: z.array(z.discriminatedUnion('type', [triggerNodeSchema, documentWebhookNodeSchema, branchNodeSchema, waitNodeSchema, endNodeSchema])).max(500),
    edges: z.array(flowEdgeSchema).max(2000),
  }),
  'A flow graph: nodes (trigger, webhook, branch, wait, end) and the edges between them, as the canvas draws them.',
  'graph',
);

const documentFlowSchema = described(
  z.strictObject({
    name: z.string().trim().min(1, 'Enter a name').max(100),
    graph: documentGraphSchema,
    published: z.boolean(),
    publishedGraph: documentGraphSchema.optional(),
  }),
  'A flow, matched on import by its name (archived flows are not matched). `graph` is the draft. `published` says whether the flow is live; `publishedGraph` is the live version, given only where it differs from the draft. `import --publish` makes `publishedGraph`, or else `graph`, the live version of every flow with "published": true.',
  'flow',
);

// The recursive condition needs a name to be referenced by.
docs.add(conditionSchema, { id: 'condition' });

export const hookflowDocumentSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(DOCUMENT_VERSION),
  integrations: z.array(documentIntegrationSchema).default([]),
  webhooks: z.array(documentWebhookSchema).default([]),
  flows: z.array(documentFlowSchema).default([]),
});

export type HookflowDocument = z.infer<typeof hookflowDocumentSchema>;
export type DocumentIntegration = z.infer<typeof documentIntegrationSchema>;
export type DocumentHeader = z.infer<typeof documentHeaderSchema>;
export type DocumentWebhook = z.infer<typeof documentWebhookSchema>;
export type DocumentFlow = z.infer<typeof documentFlowSchema>;
export type DocumentGraph = z.infer<typeof documentGraphSchema>;

/** The JSON Schema of the document, exactly as committed at docs/hookflow.schema.json. */
export function documentJsonSchemaText(): string {
  const schema = z.toJSONSchema(hookflowDocumentSchema, { io: 'input', metadata: docs });
  return `${JSON.stringify({ ...schema, title: 'Hookflow flows-as-code document', description: 'See docs/flows-as-code.md.' }, null, 2)}\n`;
}
