import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/lib/server/trpc/router';
import { createTrpcContext } from '@/lib/server/trpc/init';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function handler(request: Request) {
  return fetchRequestHandler({ endpoint: '/api/trpc', req: request, router: appRouter, createContext: createTrpcContext });
}

export { handler as GET, handler as POST };
