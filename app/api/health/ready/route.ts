import { db } from '@/lib/server/db';
import { readiness } from '@/lib/server/health';
import { temporalClient } from '@/lib/server/temporal/connection';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** 200 when the database and Temporal both answer within 2 s, else 503 with what failed (docs/operations.md). */
export async function GET(): Promise<Response> {
  const result = await readiness({ prisma: db(), temporal: temporalClient });
  return Response.json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks }, { status: result.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
