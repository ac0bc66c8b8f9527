/** The flow a caller names to start it directly (the Nexus startFlow operation): by id, or by its name. */
import type { PrismaClient } from '../db';

export type StartableFlow = { id: string; name: string; triggerEventType: string };

export async function findStartableFlow(prisma: PrismaClient, ref: string): Promise<{ flow: StartableFlow } | { notFound: string } | { refused: string }> {
  const byId = await prisma.flow.findUnique({ where: { id: ref }, select: { id: true, name: true, status: true, triggerEventType: true } });
  const matches = byId ? [byId] : await prisma.flow.findMany({ where: { name: ref, status: { not: 'archived' } }, select: { id: true, name: true, status: true, triggerEventType: true } });
  if (matches.length === 0) return { notFound: `No flow has the id or name "${ref}"` };
  if (matches.length > 1) return { refused: `${matches.length} flows are named "${ref}" (${matches.map((f) => f.id).join(', ')}); name the flow by its id` };
  const flow = matches[0]!;
  if (flow.status !== 'active') return { refused: `Flow "${flow.name}" is ${flow.status}; only an active (published) flow can be started` };
  return { flow: { id: flow.id, name: flow.name, triggerEventType: flow.triggerEventType } };
}
