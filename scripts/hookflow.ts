/**
 * `npm run hookflow -- <command>`: flows as code from the command line (docs/flows-as-code.md).
 *
 *   export [--out file]                   the database as one JSON document (stdout without --out)
 *   import <file> [--publish] [--dry-run] validate the whole document, then write it in one transaction
 *   api-keys create --name NAME --scopes S[,S] a new API key for the HTTP API, printed once
 *   api-keys list | api-keys revoke ID    the keys (never their secrets), or revoke one at once
 *
 * Exit status: 0 done, 1 the document was refused (nothing was written) or could not be exported,
 * 2 the command line or the installation is wrong (e.g. no database yet).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createPrismaClient, type PrismaClient } from '../lib/server/db';
import { databaseProvider, databaseUrl } from '../lib/server/db-url';
import { secretKey } from '../lib/server/keys';
import { secretEnvName } from '../lib/server/flows-as-code/document';
import { documentText, exportDocument } from '../lib/server/flows-as-code/export';
import { importDocument } from '../lib/server/flows-as-code/import';
import { describeChange } from '../lib/domain/flows-as-code/changes';
import { FlowsAsCodeError } from '../lib/server/flows-as-code/problems';
import { createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../lib/server/auth/api-keys';

/** How the audit trail names changes made from the command line (as the import does). */
const CLI_ACTOR = { id: null, label: `cli (${userInfo().username})` };
import { API_SCOPES } from '../lib/domain/access/api-scopes';

const ROOT = path.resolve(import.meta.dirname, '..');
const USAGE = `Usage:
  npm run hookflow -- export [--out file]
  npm run hookflow -- import <file> [--publish] [--dry-run]      (file "-" reads stdin)
  npm run hookflow -- api-keys create --name NAME --scopes SCOPE[,SCOPE]
  npm run hookflow -- api-keys list
  npm run hookflow -- api-keys revoke ID

API key scopes: ${Object.entries(API_SCOPES).map(([scope, what]) => `${scope} (${what})`).join(', ')}.

Secret header values are never exported. On import, a header with "secretRef": "X" takes its value from
the environment variable ${secretEnvName('X')}, or keeps the value Hookflow already stores for it.`;

/** A failure with the exit status it means. */
class CliExit extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

/** `npm run` changes into the package folder; paths on the command line are meant from where it was typed. */
function userPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function writeOutput(text: string, out: string | undefined) {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(userPath(out), text);
  console.error(`Wrote ${out}`);
}

/** The CLI never creates or migrates a database: an import into the wrong file would look like success. */
function openDatabase(): PrismaClient {
  let url: string;
  try {
    url = databaseUrl();
  } catch (error) {
    throw new CliExit((error as Error).message, 2);
  }
  if (databaseProvider(url) === 'postgresql') return createPrismaClient(url);
  const file = path.resolve(url.slice('file:'.length));
  if (!existsSync(file)) {
    throw new CliExit(`No Hookflow database at ${file}. Create it with \`npm run db:migrate\` (or start Hookflow once with \`npm start\`), or point DATABASE_URL at yours.`, 2);
  }
  return createPrismaClient(url);
}

/** Prisma's "no such table" means the file exists but was never migrated. */
function explainDatabaseError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/no such table|does not exist in the current database|relation "\w+" does not exist/i.test(message)) throw new CliExit('The database has no Hookflow tables yet. Apply the migrations with `npm run db:migrate`.', 2);
  throw error;
}

async function runExport(out: string | undefined) {
  const prisma = openDatabase();
  try {
    const { document, warnings } = await exportDocument(prisma).catch(explainDatabaseError);
    for (const warning of warnings) console.error(`warning: ${warning}`);
    writeOutput(documentText(document), out);
    console.error(`Exported ${document.integrations.length} integrations, ${document.webhooks.length} webhooks and ${document.flows.length} flows.`);
  } catch (error) {
    if (error instanceof FlowsAsCodeError) throw new CliExit(`Export failed:\n${error.message}`, 1);
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}

async function runImport(file: string | undefined, options: { publish: boolean; dryRun: boolean }) {
  if (!file) throw new CliExit(`Name the document to import.\n\n${USAGE}`, 2);
  const source = file === '-' ? readFileSync(0, 'utf8') : readSource(file);
  const prisma = openDatabase();
  try {
    const result = await importDocument(prisma, source, {
      ...options,
      secret: (ref) => process.env[secretEnvName(ref)],
      secretKey,
      actor: { id: null, label: `cli (${userInfo().username})` },
    }).catch(explainDatabaseError);
    if (!result.ok) {
      const lines = result.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
      throw new CliExit(`Import refused, nothing was written. ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${file}:\n${lines}`, 1);
    }
    console.log(result.dryRun ? 'Dry run: nothing was written. The import would make these changes:' : 'Imported:');
    for (const change of result.changes) console.log(`  ${describeChange(change)}`);
    console.log(result.summary);
  } finally {
    await prisma.$disconnect();
  }
}

async function runApiKeys(action: string | undefined, argument: string | undefined, options: { name?: string; scopes?: string }) {
  const prisma = openDatabase();
  try {
    switch (action) {
      case 'create': {
        if (!options.name?.trim()) throw new CliExit(`Name the key: --name NAME.\n\n${USAGE}`, 2);
        let scopes;
        try {
          scopes = parseScopes(options.scopes ?? '');
        } catch (error) {
          throw new CliExit(`${(error as Error).message}.\n\n${USAGE}`, 2);
        }
        const { key, apiKey } = await createApiKey(prisma, { name: options.name.trim(), scopes, createdBy: { id: null, email: 'command line' } }, CLI_ACTOR).catch(explainDatabaseError);
        console.error(`Created API key ${apiKey.id} "${apiKey.name}" with ${scopes.join(', ')}. This is the only time the key is shown:`);
        console.log(key);
        return;
      }
      case 'list': {
        const keys = await listApiKeys(prisma).catch(explainDatabaseError);
        if (keys.length === 0) console.log('No API keys yet.');
        for (const k of keys) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used';
          console.log(`${k.id}  hfk_${k.prefix}_…  ${k.name}  [${k.scopes.join(', ')}]  ${state}`);
        }
        return;
      }
      case 'revoke': {
        if (!argument) throw new CliExit(`Name the key to revoke: api-keys revoke ID (see api-keys list).`, 2);
        if (!(await revokeApiKey(prisma, argument, CLI_ACTOR).catch(explainDatabaseError))) throw new CliExit(`No API key ${argument} (see api-keys list).`, 1);
        console.log(`Revoked ${argument}: it no longer works.`);
        return;
      }
      default:
        throw new CliExit(`Unknown api-keys command "${action ?? ''}".\n\n${USAGE}`, 2);
    }
  } finally {
    await prisma.$disconnect();
  }
}

function readSource(file: string): string {
  try {
    return readFileSync(userPath(file), 'utf8');
  } catch (error) {
    throw new CliExit(`Cannot read ${file}: ${(error as Error).message}`, 2);
  }
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, name: { type: 'string' }, scopes: { type: 'string' }, publish: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, argument, extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'export':
      return runExport(values.out ?? argument);
    case 'import':
      return runImport(argument, { publish: values.publish, dryRun: values['dry-run'] });
    case 'api-keys':
      return runApiKeys(argument, extra, { name: values.name, scopes: values.scopes });
    default:
      throw new CliExit(`Unknown command "${command}".\n\n${USAGE}`, 2);
  }
}

if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliExit) {
    console.error(error.message);
    process.exit(error.code);
  }
  // parseArgs throws TypeErrors with a code for unknown or malformed options.
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
