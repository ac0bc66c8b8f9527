import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/lib/server/trpc/router';
import { createTrpcContext } from '@/lib/server/trpc/init';
import { timedRoute } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// One route label for every procedure: procedure names in labels would be many more series for little use.
const handler = timedRoute('/api/trpc', (request: Request) => fetchRequestHandler({ endpoint: '/api/trpc', req: request, router: appRouter, createContext: createTrpcContext }));

export { handler as GET, handler as POST };
