/** Builds the web app only when its sources changed since the last build (hash kept in .next/). */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(full);
      } else if (/\.(tsx?|css|js|json)$/.test(entry.name)) {
        const stat = statSync(full);
        hash.update(full).update(String(stat.mtimeMs)).update(String(stat.size));
      }
    }
  };
  for (const dir of ['app', 'components', 'lib', 'workflows']) if (existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  for (const file of ['next.config.js', 'package-lock.json', 'tsconfig.json']) {
    if (existsSync(path.join(ROOT, file))) hash.update(readFileSync(path.join(ROOT, file)));
  }
  return hash.digest('hex');
}

/** Returns an error message, or null when the build is current. */
export function buildIfNeeded(log: (line: string) => void = console.log): string | null {
  const marker = path.join(ROOT, '.next', 'hookflow-source-hash');
  const current = sourceHash();
  if (existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && existsSync(marker) && readFileSync(marker, 'utf8') === current) return null;
  log('Building the web app (first start, or the code changed)…');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) return 'next build failed (see above).';
  // next build may rewrite tsconfig.json; hash after it so the next start does not rebuild.
  writeFileSync(marker, sourceHash());
  return null;
}
