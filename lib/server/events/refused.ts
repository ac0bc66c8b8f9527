/**
 * Messages an ingestion API refused while it took the rest of the request (a bad message in a Segment
 * batch). They are kept for the Logs page, so whoever sent them can see what was wrong. They are deleted with
 * the webhook log after HOOKFLOW_LOG_RETENTION_DAYS.
 */
import { wellFormed } from '../../domain/events/schema';
import type { PrismaClient } from '../db';
import { log } from '../log';

const PAYLOAD_CAP = 4 * 1024;

export interface RefusedMessage {
  index: number;
  messageId?: string;
  field: string;
  error: string;
  /** the message as sent */
  payload: unknown;
}

/** Records refused messages; a failure to record is logged, never fatal to the request that carried them. */
export async function recordRefused(prisma: PrismaClient, source: 'segment', call: string, refused: RefusedMessage[]): Promise<void> {
  if (refused.length === 0) return;
  try {
    await prisma.refusedEvent.createMany({
      data: refused.map((r) => ({
        source,
        call,
        position: r.index,
        // The database refuses half a surrogate pair, which a refused message may hold (that is why it
        // was refused) and a cut may make; one such string would lose the whole batch's records.
        messageId: typeof r.messageId === 'string' ? wellFormed(r.messageId.slice(0, 200)) : null,
        field: wellFormed(r.field.slice(0, 200)),
        error: wellFormed(r.error.slice(0, 1000)),
        payload: wellFormed((JSON.stringify(r.payload) ?? 'undefined').slice(0, PAYLOAD_CAP)),
      })),
    });
  } catch (error) {
    log().error({ err: error, component: source }, 'could not record refused messages');
  }
}

/** The most recent refused messages, newest first, a page at a time (`cursor`: the last id of the page before). */
export async function listRefused(prisma: PrismaClient, page: { cursor?: string; limit: number }) {
  const rows = await prisma.refusedEvent.findMany({
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, page.limit).map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
  return { items, nextCursor: rows.length > page.limit ? items.at(-1)!.id : null };
}

/** Deletes refused messages received before `before`; returns how many. */
export async function deleteRefusedBefore(prisma: PrismaClient, before: Date): Promise<number> {
  return (await prisma.refusedEvent.deleteMany({ where: { receivedAt: { lt: before } } })).count;
}
