import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSettings } from './config';
import { rememberSecrets } from './log';

/**
 * Reads a key from the environment, or from `.data/<file>`, generating it there on first use. The file is
 * created with mode 0600 and never overwritten, so every process of one installation agrees on it.
 */
// Read once per process (the events API checks the ingest key on every request), per setting and data directory.
const known = new Map<string, { value: string; generated: boolean }>();

function keyFromEnvOrFile(envValue: string | undefined, file: string, generate: () => string): { value: string; generated: boolean } {
  const cacheKey = [file, envValue ?? '', loadSettings().HOOKFLOW_DATA_DIR].join('\0');
  let key = known.get(cacheKey);
  if (!key) {
    key = readOrCreateKey(envValue, file, generate);
    // No log line may carry a key (lib/server/log.ts).
    rememberSecrets([key.value]);
    known.set(cacheKey, key);
  }
  return key;
}

function readOrCreateKey(envValue: string | undefined, file: string, generate: () => string): { value: string; generated: boolean } {
  if (envValue) return { value: envValue, generated: false };
  const dir = path.resolve(loadSettings().HOOKFLOW_DATA_DIR);
  const target = path.join(dir, file);
  if (existsSync(target)) return { value: readFileSync(target, 'utf8').trim(), generated: false };
  mkdirSync(dir, { recursive: true });
  const value = generate();
  try {
    writeFileSync(target, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, generated: true };
  } catch {
    // Another process created it first: use theirs.
    return { value: readFileSync(target, 'utf8').trim(), generated: false };
  }
}

export function ingestKey(): { value: string; generated: boolean } {
  return keyFromEnvOrFile(loadSettings().HOOKFLOW_INGEST_KEY, 'ingest.key', () => `hf_${randomBytes(24).toString('base64url')}`);
}

export function secretKey(): Buffer {
  const { value } = keyFromEnvOrFile(loadSettings().HOOKFLOW_SECRET_KEY, 'secret.key', () => randomBytes(32).toString('base64'));
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('HOOKFLOW_SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  return key;
}
