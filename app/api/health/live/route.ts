export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The process is up and answering; nothing else is checked (docs/operations.md). */
export function GET(): Response {
  return Response.json({ status: 'live' }, { headers: { 'cache-control': 'no-store' } });
}
