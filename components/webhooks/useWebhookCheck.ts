import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPCClient } from '../trpc';
import type { WebhookDraft, WebhookSample } from './draft';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The server's live check of the draft while it is edited: field errors, whether it is retried, and the
 * request it renders to with the sample data.
 */
export function useWebhookCheck(draft: WebhookDraft, sample: WebhookSample) {
  const debouncedDraft = useDebounced(draft, 300);
  const debouncedSample = useDebounced(sample, 300);
  const client = useTRPCClient();
  // The check is a POST (templates can be large), run like a query: debounced, latest wins.
  return useQuery({
    queryKey: ['webhook-check', debouncedDraft, debouncedSample],
    enabled: debouncedDraft.integrationId !== '',
    queryFn: () => client.webhooks.check.mutate({ webhook: debouncedDraft, sample: debouncedSample }),
    placeholderData: (previous) => previous,
  });
}
