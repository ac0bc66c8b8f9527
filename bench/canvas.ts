/**
 * Canvas benchmark (`npm run bench:canvas`, part of `npm run bench`): the built app (`next start`) in
 * Debian's headless Chromium, on a real database holding a 300-step flow and a 30-step baseline flow.
 *
 * - Render: from the editor mounting (the `hookflow:editor-mounted` performance mark) until every step is
 *   in the DOM and measured (xyflow keeps steps hidden until it knows their size), and from navigation start.
 * - Drag: one step dragged across the canvas for about 1.5 s; frames come from requestAnimationFrame
 *   timestamps in the page, so "fps" is what the browser painted while the store and React kept up.
 *
 * Ratios are against the 30-step baseline measured in the same run. Prints a Markdown table; the latest is
 * in docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createPrismaClient, type PrismaClient } from '../lib/server/db';
import { hashPassword } from '../lib/server/auth/password';
import type { FlowGraph, FlowNode } from '../lib/domain/flow/graph';
import { CHROMIUM_ARGS, startAppServer } from '../scripts/app-server';
import { migrateDatabase } from '../scripts/migrate';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SIZES = (process.env.BENCH_CANVAS_SIZES ?? '30,300').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_CANVAS_ROUNDS ?? 3);
const PASSWORD = 'bench-password-123';

/** A valid flow of `size` steps: trigger → branch with 4 conditions + else → 5 columns of webhook/wait steps. */
export function benchGraph(size: number, webhookId: string): FlowGraph {
  const nodes: FlowNode[] = [
    { id: 'trigger', type: 'trigger', position: { x: 600, y: 0 }, data: { eventType: 'bench.event' } },
    {
      id: 'branch',
      type: 'branch',
      position: { x: 600, y: 130 },
      data: { branches: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, label: `Tier ${i}`, condition: { kind: 'field' as const, path: 'Customer.Tier', op: 'eq' as const, value: i } })) },
    },
  ];
  const edges: FlowGraph['edges'] = [{ id: 'e-t', source: 'trigger', target: 'branch' }];
  const handles = ['b1', 'b2', 'b3', 'b4', 'else'];
  const perColumn = Math.ceil((size - 2) / handles.length);
  let made = 2;
  handles.forEach((handle, column) => {
    let previous: { id: string; handle: string | null } = { id: 'branch', handle };
    for (let row = 0; row < perColumn && made < size; row++, made++) {
      const id = `c${column}-r${row}`;
      const last = row === perColumn - 1 || made === size - 1;
      const position = { x: column * 260, y: 280 + row * 130 };
      nodes.push(
        last
          ? { id, type: 'end', position }
          : row % 2 === 0
            ? { id, type: 'webhook', position, data: { webhookId } }
            : { id, type: 'wait', position, data: { mode: 'duration', seconds: 600 } },
      );
      edges.push({ id: `e-${id}`, source: previous.id, target: id, sourceHandle: previous.handle });
      previous = { id, handle: null };
    }
  });
  return { nodes, edges };
}

async function seed(prisma: PrismaClient): Promise<Map<number, string>> {
  await prisma.user.create({ data: { email: 'bench@example.com', name: 'Bench', role: 'marketer', passwordHash: await hashPassword(PASSWORD) } });
  const integration = await prisma.integration.create({ data: { name: 'Bench service', rootUrl: 'http://127.0.0.1:9/' } });
  const webhook = await prisma.webhook.create({
    data: { integrationId: integration.id, name: 'Bench call', systemName: 'bench_call', method: 'POST', path: '/hook', bodyTemplate: '{}', headers: [], disabledHeaders: [], captureFields: [] },
  });
  const flows = new Map<number, string>();
  for (const size of SIZES) {
    const flow = await prisma.flow.create({ data: { name: `${size} steps`, triggerEventType: 'bench.event', draftGraph: benchGraph(size, webhook.id) as never } });
    flows.set(size, flow.id);
  }
  return flows;
}

interface Sample {
  mountToVisibleMs: number;
  navigationToVisibleMs: number;
  fps: number;
  p95FrameMs: number;
}

async function measure(page: Page, url: string, size: number): Promise<Sample> {
  await page.goto(url);
  await page.waitForFunction(
    (n) => {
      const nodes = document.querySelectorAll('.react-flow__node');
      if (nodes.length < n) return false;
      for (const node of nodes) if ((node as HTMLElement).style.visibility === 'hidden') return false;
      return true;
    },
    size,
    { polling: 'raf', timeout: 60_000 },
  );
  const render = await page.evaluate(() => {
    const mounted = performance.getEntriesByName('hookflow:editor-mounted')[0];
    return { now: performance.now(), mounted: mounted?.startTime ?? Number.NaN };
  });
  // Drag the second step (the branch) around: every step it connects to re-routes its edge.
  const box = (await page.locator('.react-flow__node').nth(1).boundingBox())!;
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  await page.mouse.down();
  for (let i = 1; i <= 90; i++) {
    await page.mouse.move(box.x + box.width / 2 + Math.sin(i / 9) * 150, box.y + 10 + i * 2);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!).sort((a, b) => a - b);
  const duration = frames.at(-1)! - frames[0]!;
  return {
    mountToVisibleMs: render.now - render.mounted,
    navigationToVisibleMs: render.now,
    fps: ((frames.length - 1) / duration) * 1000,
    p95FrameMs: intervals[Math.floor(intervals.length * 0.95)] ?? Number.NaN,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookflow-bench-canvas-'));
  const databaseUrl = `file:${path.join(dir, 'bench.db')}`;
  const migrate = migrateDatabase(databaseUrl);
  if (!migrate.ok) throw new Error(`migrations failed: ${migrate.stderr}`);
  const prisma = createPrismaClient(databaseUrl);
  const flows = await seed(prisma);
  const app = await startAppServer({ DATABASE_URL: databaseUrl, HOOKFLOW_DATA_DIR: dir, TEMPORAL_ADDRESS: '127.0.0.1:9' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(`${app.url}/login`);
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
    await page.getByLabel('Email').fill('bench@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.url}/`);
    const results = new Map<number, Sample>();
    for (const size of SIZES) {
      const url = `${app.url}/flows/${flows.get(size)}`;
      await measure(page, url, size); // warm-up: compiles the page's code paths
      const samples: Sample[] = [];
      for (let round = 0; round < ROUNDS; round++) samples.push(await measure(page, url, size));
      results.set(size, {
        mountToVisibleMs: median(samples.map((s) => s.mountToVisibleMs)),
        navigationToVisibleMs: median(samples.map((s) => s.navigationToVisibleMs)),
        fps: median(samples.map((s) => s.fps)),
        p95FrameMs: median(samples.map((s) => s.p95FrameMs)),
      });
    }
    const baseline = results.get(SIZES[0]!)!;
    console.log(`\n| steps | editor mounted → all steps visible | navigation → all visible | drag fps | p95 frame | render vs ${SIZES[0]} steps |`);
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const [size, r] of results) {
      console.log(
        `| ${size} | ${r.mountToVisibleMs.toFixed(0)} ms | ${r.navigationToVisibleMs.toFixed(0)} ms | ${r.fps.toFixed(1)} | ${r.p95FrameMs.toFixed(1)} ms | ${(r.mountToVisibleMs / baseline.mountToVisibleMs).toFixed(2)}× |`,
      );
    }
    const largest = results.get(Math.max(...SIZES))!;
    const ok = largest.mountToVisibleMs <= 1000 && largest.fps >= 50;
    console.log(`\n${Math.max(...SIZES)} steps: render ${ok ? 'within' : 'OUTSIDE'} the targets (≤ 1 s to render, ≥ 50 fps while dragging)`);
    if (!ok) process.exitCode = 1;
  } finally {
    await browser.close();
    app.stop();
    await prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
