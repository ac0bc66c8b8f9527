/**
 * Structured logs (docs/operations.md, "Logs"): one pino logger per process, JSON lines by default and
 * readable lines when HOOKFLOW_LOG_FORMAT=pretty (npm start and npm run dev set it for their children).
 * Secrets are kept out twice: pino's redact paths blank the fields that hold them, and every line is passed
 * through the value-based redactor the attempt log uses, with every secret value this process has decrypted.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { secretRedactor, type Redactor } from './webhooks/redact';
import { loadSettings } from './config';

export type { Logger };

/** Fields that hold secrets wherever they appear (one level deep, and in headers). */
const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'apiKey',
  'signingSecret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.signingSecret',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

// On globalThis: Next.js dev re-evaluates modules, and secrets remembered by an earlier copy still count.
const state = ((globalThis as { hookflowLog?: { secrets: Set<string>; redact: Redactor; root: Logger | null } }).hookflowLog ??= {
  secrets: new Set(),
  redact: (text) => text,
  root: null,
});

/** Values no log line may contain: decrypted header values, keys. Called where they are read. */
export function rememberSecrets(values: Iterable<string>): void {
  const before = state.secrets.size;
  for (const value of values) if (value) state.secrets.add(value);
  if (state.secrets.size !== before) state.redact = secretRedactor([...state.secrets]);
}

export interface LogOptions {
  /** the process: web, worker, cli */
  name: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** where lines go (tests); default stdout */
  destination?: pino.DestinationStream;
}

export function createLogger({ name, level = 'info', format = 'json', destination }: LogOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The value-based pass, on the finished line: whatever path a secret took into it.
    hooks: { streamWrite: (line) => state.redact(line) },
    base: { pid: process.pid },
  };
  if (format === 'pretty') return pino(options, pretty({ sync: true, destination: destination ?? 1, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  return pino(options, destination ?? pino.destination(1));
}

/** The process's logger, from HOOKFLOW_LOG_LEVEL and HOOKFLOW_LOG_FORMAT. */
export function log(): Logger {
  if (!state.root) {
    const settings = loadSettings();
    state.root = createLogger({ name: process.env.HOOKFLOW_LOG_NAME ?? 'hookflow', level: settings.HOOKFLOW_LOG_LEVEL, format: settings.HOOKFLOW_LOG_FORMAT });
  }
  return state.root;
}

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger (Runtime.install) on top of pino: the SDK's own lines and the workflow and
 * activity loggers come out as the process's JSON lines, with the SDK's metadata (workflowId, runId,
 * activityType, taskQueue …) as fields.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => logger[LEVELS[level]]({ ...meta, sdk: 'temporal' }, message);
  return { log: (level, message, meta) => at(level)(message, meta), trace: at('TRACE'), debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}
