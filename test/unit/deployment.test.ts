/**
 * The deployment files (Dockerfile, docker-compose.yml) cannot be run on these machines (no container
 * registry), so this checks what can be checked without Docker: every setting they pass is one Hookflow
 * reads, every command they run exists, every file they copy is in the repository, and the pieces that must
 * agree (health paths and ports, the standalone build) do.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTING_NAMES } from '../../lib/server/config';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const dockerfile = read('Dockerfile');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] }; deploy?: { replicas?: number } }>;
};
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const hookflowServices = Object.entries(compose.services).filter(([, s]) => s.image === 'hookflow:latest');

/** Set by the runtime, not by Hookflow: Next's standalone server reads PORT and HOSTNAME. */
const RUNTIME_VARIABLES = new Set(['PORT', 'HOSTNAME', 'NODE_ENV', 'NEXT_TELEMETRY_DISABLED']);

describe('docker-compose.yml', () => {
  it('runs Postgres, Temporal on it with its UI, one web process and two workers, plus the one-shot setup', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['migrate', 'postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'web', 'worker']);
    expect(compose.services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(compose.services.worker!.deploy?.replicas).toBe(2);
    expect(hookflowServices.map(([name]) => name).sort()).toEqual(['migrate', 'temporal-setup', 'web', 'worker']);
  });

  it('passes Hookflow only settings it reads', () => {
    const known = new Set([...SETTING_NAMES, ...RUNTIME_VARIABLES]);
    for (const [name, service] of hookflowServices) {
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(known.has(variable), `${name} passes ${variable}, which Hookflow does not read (lib/server/config.ts)`).toBe(true);
      }
    }
  });

  it('documents every variable it takes from the environment in .env.example', () => {
    const example = read('.env.example');
    const taken = [...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(taken.length).toBeGreaterThan(0);
    for (const variable of taken) expect(example, `${variable} is not in .env.example`).toContain(variable);
  });

  it('runs commands that exist', () => {
    for (const [name, service] of hookflowServices) {
      const command = service.command ?? [];
      if (command[0] === 'npm') expect(scripts[command[2]!], `${name} runs npm run ${command[2]}`).toBeDefined();
      else expect(command, `${name}`).toEqual(['node', 'server.js']);
    }
  });

  it('checks health where the processes answer it', () => {
    expect(existsSync(path.join(ROOT, 'app/api/health/ready/route.ts'))).toBe(true);
    expect(compose.services.web!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${compose.services.web!.environment!.PORT}/api/health/ready`);
    expect(compose.services.worker!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${compose.services.worker!.environment!.HOOKFLOW_METRICS_PORT}/health/ready`);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in stages and runs as a user that is not root', () => {
    expect(stages.map((s) => s.split('\n')[0])).toEqual(['node:20-bookworm-slim AS deps', 'deps AS build', 'node:20-bookworm-slim AS runtime']);
    expect(stages[2]).toMatch(/^USER hookflow$/m);
    expect(stages[2]).not.toMatch(/^USER root$/m);
  });

  it('builds the standalone server that its CMD runs', () => {
    expect(stages[1]).toContain('HOOKFLOW_STANDALONE=1');
    expect(read('next.config.js')).toMatch(/HOOKFLOW_STANDALONE === '1' \? \{ output: 'standalone' \}/);
    expect(dockerfile).toContain('CMD ["node", "server.js"]');
    expect(dockerfile).toContain('/app/.next/standalone');
  });

  it('runs npm scripts that exist and copies files that exist', () => {
    for (const match of dockerfile.matchAll(/npm run ([\w:-]+)/g)) expect(scripts[match[1]!], `npm run ${match[1]}`).toBeDefined();
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
      const sources = match[1]!.trim().split(/\s+/).slice(0, -1);
      for (const source of sources) if (source !== '.') expect(existsSync(path.join(ROOT, source)), `COPY ${source}`).toBe(true);
    }
    for (const match of dockerfile.matchAll(/node --import tsx (\S+)/g)) expect(existsSync(path.join(ROOT, match[1]!)), match[1]).toBe(true);
  });

  it('keeps local state, keys and dependencies out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
