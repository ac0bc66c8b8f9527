/**
 * `npm start` (and `npm run dev` with --dev): applies migrations, seeds the demo workspace on first run,
 * starts the demo receiver, Temporal (unless TEMPORAL_ADDRESS is set), the worker and the web app, prints
 * what to do next, and stops every child on Ctrl-C or SIGTERM.
 */
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadSettings, temporalUiUrl } from '../lib/server/config';
import { ingestKey, secretKey } from '../lib/server/keys';
import { ProcessGroup, portIsFree, spawnChild, waitForHttp } from './processes';
import { buildIfNeeded } from './build';
import { startReceiver } from './receiver';
import { CRASH_SAFE_PRAGMAS, findTemporalCli, spawnDevServer, waitForTemporal } from './temporal';
import { migrateDatabase } from './migrate';

const ROOT = path.resolve(import.meta.dirname, '..');
const dev = process.argv.includes('--dev');

if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
const settings = loadSettings();
const dataDir = path.resolve(ROOT, settings.HOOKFLOW_DATA_DIR);
process.env.HOOKFLOW_DATA_DIR = dataDir;
mkdirSync(dataDir, { recursive: true });

const group = new ProcessGroup((name, code) => {
  console.error(`\n${name} exited (code ${code}) and keeps failing; stopping Hookflow.`);
  void shutdown(1);
});
let shuttingDown = false;
let closeReceiver: (() => Promise<void>) | null = null;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    console.log('\nStopping Hookflow…');
    await group.stopAll();
    await closeReceiver?.();
    console.log('Stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('exit', () => group.killAllNow());

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  group.killAllNow();
  process.exit(1);
}

async function requirePort(port: number, variable: string, what: string) {
  if (!(await portIsFree(port))) {
    fail(`Port ${port} (${what}) is already in use. Stop whatever is using it, or pick another port: ${variable}=${port + 1} npm start`);
  }
}

async function main() {
  const appPort = settings.HOOKFLOW_APP_PORT;
  const appUrl = settings.HOOKFLOW_APP_URL ?? `http://localhost:${appPort}`;
  const startTemporal = !process.env.TEMPORAL_ADDRESS;
  await requirePort(appPort, 'HOOKFLOW_APP_PORT', 'web app');
  if (settings.HOOKFLOW_DEMO_RECEIVER_PORT !== 0) await requirePort(settings.HOOKFLOW_DEMO_RECEIVER_PORT, 'HOOKFLOW_DEMO_RECEIVER_PORT', 'demo receiver');
  if (startTemporal) {
    await requirePort(settings.TEMPORAL_GRPC_PORT, 'TEMPORAL_GRPC_PORT', 'Temporal gRPC');
    await requirePort(settings.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT', 'Temporal Web UI');
  }

  console.log('Applying database migrations…');
  const migrate = migrateDatabase();
  if (!migrate.ok) fail(`Database migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const key = ingestKey();
  secretKey();

  // The demo receiver: the service the demo integration points at.
  const receiver = await startReceiver({
    port: settings.HOOKFLOW_DEMO_RECEIVER_PORT,
    onRequest: (request) => console.log(`[demo-receiver] ${request.method} ${request.url} ${request.body.replace(/\s+/g, ' ')}`),
  });
  closeReceiver = () => receiver.close();

  const { db } = await import('../lib/server/db');
  const prisma = db();
  const seededMarker = path.join(dataDir, 'seeded');
  if (!existsSync(seededMarker)) {
    const { seedDemo } = await import('../lib/server/seed');
    if ((await prisma.integration.count()) === 0) {
      await seedDemo(prisma, receiver.url);
      console.log('Seeded the demo workspace (integration "Demo receiver", webhook "Welcome email", flow "Welcome new customers").');
    }
    writeFileSync(seededMarker, new Date().toISOString());
  }
  const { ensureAdmin } = await import('../lib/server/auth/bootstrap');
  const admin = await ensureAdmin(prisma);
  await prisma.$disconnect();

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (startTemporal) {
    const cli = findTemporalCli({ install: true });
    temporalAddress = `127.0.0.1:${settings.TEMPORAL_GRPC_PORT}`;
    console.log(`Starting Temporal dev server (${path.relative(ROOT, cli) || cli})…`);
    // Its state is on disk, so a restart picks up where it stopped.
    group.supervise('temporal', () =>
      spawnDevServer({ cli, dbFile: path.join(dataDir, 'temporal.db'), port: settings.TEMPORAL_GRPC_PORT, uiPort: settings.TEMPORAL_UI_PORT, pragmas: CRASH_SAFE_PRAGMAS }),
    );
  }
  if (!dev) {
    const problem = buildIfNeeded();
    if (problem) fail(problem);
  }
  if (temporalAddress) await waitForTemporal(temporalAddress, 90_000, settings.TEMPORAL_NAMESPACE);

  // Webhooks may call the demo receiver, and nothing else on this machine's private networks unless allowed.
  const demoService = `127.0.0.1:${new URL(receiver.url).port}`;
  const allowed = [process.env.HOOKFLOW_ALLOWED_NETWORKS, demoService].filter(Boolean).join(',');
  const childEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    NEXT_TELEMETRY_DISABLED: '1',
    HOOKFLOW_DATA_DIR: dataDir,
    HOOKFLOW_ALLOWED_NETWORKS: allowed,
    HOOKFLOW_LOG_FORMAT: process.env.HOOKFLOW_LOG_FORMAT ?? 'pretty',
  };
  // Straight through node (tsx as a loader), not tsx's CLI, which would run a second process around it.
  group.supervise('worker', () => spawnChild(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'worker.ts')], { cwd: ROOT, env: { ...childEnv, HOOKFLOW_LOG_NAME: 'worker' } }));
  const next = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  group.supervise('web', () => spawnChild(process.execPath, [next, dev ? 'dev' : 'start', '--port', String(appPort)], { cwd: ROOT, env: { ...childEnv, HOOKFLOW_LOG_NAME: 'web' } }));
  await waitForHttp(`http://127.0.0.1:${appPort}/`, 180_000);

  const curl = [
    `curl -X POST ${appUrl}/api/events \\`,
    `  -H "Authorization: Bearer ${key.value}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"id":"demo-'"$(date +%s)"'","type":"customer.signed_up","customer":{"id":"c-1","email":"ada@example.com","first_name":"Ada"}}'`,
  ].join('\n');
  console.log(
    [
      '',
      '  Hookflow is running.',
      '',
      `  App:          ${appUrl}`,
      `  Temporal UI:  ${startTemporal ? temporalUiUrl(settings) : `${temporalUiUrl(settings)} (your Temporal server at ${temporalAddress})`}`,
      `  Demo service: ${receiver.url} (its deliveries are printed here as [demo-receiver])`,
      `  Ingest key:   ${key.value}${key.generated ? '  (new; kept in .data/ingest.key)' : ''}`,
      admin.kind === 'setup-link'
        ? `  First admin:  open ${appUrl}/setup?token=${admin.token} (one-time link; or set HOOKFLOW_ADMIN_EMAIL and HOOKFLOW_ADMIN_PASSWORD)`
        : admin.kind === 'created'
          ? `  Admin:        ${admin.email} (from HOOKFLOW_ADMIN_EMAIL)`
          : `  Sign in:      ${appUrl}/login`,
      '',
      '  Send a demo event:',
      '',
      curl.replace(/^/gm, '    '),
      '',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: Error) => fail(error.message));
