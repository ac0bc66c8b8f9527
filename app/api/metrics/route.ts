/** GET /api/metrics: the web app's Prometheus metrics (docs/operations.md), with an API key that has the metrics:read scope. */
import { db } from '@/lib/server/db';
import { refuseWithoutScope } from '@/lib/server/api/http';
import { metrics } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const refused = await refuseWithoutScope(request.headers.get('authorization'), 'metrics:read', db());
  if (refused) return refused;
  const { registry } = metrics();
  return new Response(await registry.metrics(), { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
}
