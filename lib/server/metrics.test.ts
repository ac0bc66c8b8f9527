import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metrics, timedRoute } from './metrics';

const ROOT = path.resolve(import.meta.dirname, '../..');
const names = () => metrics().registry.getMetricsAsArray().map((m) => m.name).filter((name) => name.startsWith('hookflow_'));

describe('metrics', () => {
  it('docs/operations.md lists every Hookflow metric, and names none that does not exist', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    const listed = new Set([...doc.matchAll(/^\| `(hookflow_\w+)` \|/gm)].map((m) => m[1]));
    expect([...listed].sort()).toEqual(names().sort());
  });

  it('the Grafana dashboard queries only metrics that exist', () => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'docs/grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/hookflow_\w+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''))));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(names(), `${name} is not a metric`).toContain(name);
    expect(new Set(used)).toEqual(new Set(names()));
  });

  it('timedRoute records the answer status, and 500 when the handler throws', async () => {
    const before = (await metrics().httpDuration.get()).values.filter((v) => v.metricName?.endsWith('_count') && v.labels.route === '/t').length;
    expect(before).toBe(0);
    await timedRoute('/t', async () => new Response(null, { status: 204 }))(new Request('http://x/t'));
    await expect(timedRoute('/t', async () => { throw new Error('boom'); })(new Request('http://x/t', { method: 'POST' }))).rejects.toThrow('boom');
    const counts = (await metrics().httpDuration.get()).values.filter((v) => v.metricName?.endsWith('_count') && v.labels.route === '/t');
    expect(counts.map((v) => [v.labels.method, v.labels.status, v.value])).toEqual([['GET', '204', 1], ['POST', '500', 1]]);
  });
});
