import { z } from 'zod';

/**
 * Every setting comes from the environment, with defaults that work on one machine.
 * `.env.example` documents them; keep both in step.
 */
const settingsSchema = z.object({
  HOOKFLOW_DATA_DIR: z.string().default('.data'),
  /** SQLite `file:` or `postgresql://` URL; default: the SQLite file in the data directory (lib/server/db-url.ts) */
  DATABASE_URL: z.string().optional(),
  /** comma-separated CIDRs and host:port entries webhooks may call although closed by default (docs/security.md) */
  HOOKFLOW_ALLOWED_NETWORKS: z.string().optional(),
  /** comma-separated CIDRs closed in addition to the defaults */
  HOOKFLOW_BLOCKED_NETWORKS: z.string().optional(),
  /** the first admin, created on first start */
  HOOKFLOW_ADMIN_EMAIL: z.string().optional(),
  HOOKFLOW_ADMIN_PASSWORD: z.string().optional(),
  /** the lowest level logged (docs/operations.md, "Logs") */
  HOOKFLOW_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** json (one object per line) or pretty (npm start and npm run dev set it for their children) */
  HOOKFLOW_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** a prebuilt workflow bundle (tests and images); default: built into the data directory */
  HOOKFLOW_WORKFLOW_BUNDLE: z.string().optional(),
  HOOKFLOW_APP_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOOKFLOW_APP_URL: z.string().url().optional(),
  HOOKFLOW_DEMO_RECEIVER_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  HOOKFLOW_INGEST_KEY: z.string().min(16, 'HOOKFLOW_INGEST_KEY must be at least 16 characters').optional(),
  HOOKFLOW_SECRET_KEY: z.string().optional(),
  HOOKFLOW_TASK_QUEUE: z.string().default('hookflow'),
  /** the Nexus endpoint `npm start` and `npm run temporal:setup` point at the task queue (docs/plugin.md) */
  HOOKFLOW_NEXUS_ENDPOINT: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/, 'letters, digits and hyphens, starting with a letter').default('hookflow'),
  /** runs a worker keeps in memory between steps (about 0.5 MB each); the rest are replayed from history when they wake */
  HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(100),
  HOOKFLOW_DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** the worker's /health/live, /health/ready and /metrics; unset: no such port */
  HOOKFLOW_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * host:port where the worker's Temporal Runtime serves the SDK's own metrics (temporal_*); the worker's
   * /metrics includes them. Unset: a free loopback port, when HOOKFLOW_METRICS_PORT is set.
   */
  HOOKFLOW_TEMPORAL_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:9464').optional(),
  /** events waiting to be stored beyond this are answered 503 with Retry-After */
  HOOKFLOW_INGEST_QUEUE_LIMIT: z.coerce.number().int().positive().default(5000),
  /** the longest a request waits for a rate-limit slot before failing with "rate limit queue full" */
  HOOKFLOW_RATE_LIMIT_MAX_WAIT_MS: z.coerce.number().int().positive().default(10 * 60_000),
  /** per-second jitter budget the limiter's schedule reserves (lib/domain/ratelimit/gcra.ts) */
  HOOKFLOW_RATE_LIMIT_JITTER_MS: z.coerce.number().min(0).max(500).default(40),
  /** continue-as-new after this many slot requests (tests lower it) */
  HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN: z.coerce.number().int().min(2).max(1900).optional(),
  /** attempts older than this many days are deleted by the daily log-retention schedule */
  HOOKFLOW_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_UI_URL: z.string().url().optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Every setting Hookflow reads (docs/operations.md); the deployment files may pass only these and Temporal's own. */
export const SETTING_NAMES = Object.keys(settingsSchema.shape);

/** The settings last parsed, by the values they were parsed from (SETTING_NAMES, in order). */
let parsedLast: { values: string; settings: Settings } | undefined;

/**
 * The settings in `env`, validated. The events API and the worker read them on every event, so the parse is
 * kept until one of the settings' variables changes (tests change them); the object answered is frozen.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const values = SETTING_NAMES.map((name) => env[name] ?? '\u0000').join('\u0001');
  if (parsedLast?.values === values) return parsedLast.settings;
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`Invalid Hookflow settings in the environment:\n${problems}`);
  }
  parsedLast = { values, settings: Object.freeze(parsed.data) };
  return parsedLast.settings;
}

/** The web app's public URL, without a trailing slash. */
export function appUrl(settings: Settings = loadSettings()): string {
  return (settings.HOOKFLOW_APP_URL ?? `http://localhost:${settings.HOOKFLOW_APP_PORT}`).replace(/\/+$/, '');
}

/** Base URL of the Temporal Web UI, without a trailing slash. */
export function temporalUiUrl(settings: Settings = loadSettings()): string {
  return (settings.TEMPORAL_UI_URL ?? `http://localhost:${settings.TEMPORAL_UI_PORT}`).replace(/\/+$/, '');
}

/** The Temporal Web UI's list of workflows, filtered by a visibility query (lib/domain/flow/run-queries.ts). */
export function temporalRunsUrl(query: string | null, settings: Settings = loadSettings()): string | null {
  if (query === null) return null;
  return `${temporalUiUrl(settings)}/namespaces/${encodeURIComponent(settings.TEMPORAL_NAMESPACE)}/workflows?query=${encodeURIComponent(query)}`;
}

/** Deep link to one workflow execution in the Temporal Web UI. */
export function temporalWorkflowUrl(workflowId: string, settings: Settings = loadSettings()): string {
  return `${temporalUiUrl(settings)}/namespaces/${encodeURIComponent(settings.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}
