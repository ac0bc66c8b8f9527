'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useEffect, useState, type ReactNode } from 'react';
import type { AppRouter } from '@/lib/server/trpc/router';

const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
export { useTRPC, useTRPCClient };

/** The session's CSRF token (readable cookie); sent back on every call as x-csrf-token. */
export function csrfToken(): string {
  if (typeof document === 'undefined') return '';
  const match = /(?:^|;\s*)hookflow_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : '';
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } } }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({
          url: '/api/trpc',
          headers: () => ({ 'x-csrf-token': csrfToken() }),
          fetch: (url, options) => fetch(url, { ...options, credentials: 'same-origin' }),
        })] }),
  );
  useEffect(() => {
    // Marks the page as interactive; end-to-end tests wait for it before typing into a server-rendered form.
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
