/**
 * The browser bundle holds no server or template-engine code: the editors import constants from modules of
 * their own (docs/architecture.md, "Layers"). Checked on the production build's client chunks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../../scripts/build';

const ROOT = path.resolve(import.meta.dirname, '../..');

function clientChunks(): { file: string; code: string }[] {
  const dir = path.join(ROOT, '.next', 'static', 'chunks');
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(at, entry.name));
      else if (entry.name.endsWith('.js')) files.push(path.join(at, entry.name));
    }
  };
  walk(dir);
  return files.map((file) => ({ file: path.relative(ROOT, file), code: readFileSync(file, 'utf8') }));
}

describe('the browser bundle', () => {
  it('carries neither Nunjucks nor Prisma nor the Temporal client', { timeout: 600_000 }, () => {
    expect(buildIfNeeded(() => undefined)).toBeNull();
    const chunks = clientChunks();
    expect(chunks.length).toBeGreaterThan(5);
    // Strings that only these libraries' code holds (checked against their sources in node_modules).
    const signatures = { nunjucks: 'Template render error', prisma: 'PrismaClientKnownRequestError', temporal: 'WorkflowFailedError' };
    for (const [library, signature] of Object.entries(signatures)) {
      const found = chunks.filter((c) => c.code.includes(signature)).map((c) => c.file);
      expect(found, `${library} in the browser bundle`).toEqual([]);
    }
  });
});
