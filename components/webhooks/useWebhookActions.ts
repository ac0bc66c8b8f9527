import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../trpc';
import type { WebhookDraft } from './draft';

/** Saving (create or update), copying and deleting a webhook, and where each one leads afterwards. */
export function useWebhookActions(webhookId: string | null, integrationId: string, onCreated?: (id: string) => Promise<unknown>) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.get.queryKey({ id: webhookId ?? '' }) }),
    }),
  );
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (result) => {
        if (!result) return;
        // The sample typed while creating it stays with the new webhook.
        await onCreated?.(result.id).catch(() => undefined);
        router.push(`/webhooks/${result.id}?created=1`);
      },
    }),
  );
  const save = webhookId ? update : create;
  const copy = useMutation(trpc.webhooks.copy.mutationOptions({ onSuccess: ({ id }) => router.push(`/webhooks/${id}?copied=1`) }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: () => router.push(`/integrations/${integrationId}`) }));
  const submit = (draft: WebhookDraft) => {
    if (webhookId) update.mutate({ id: webhookId, data: draft });
    else create.mutate(draft);
  };
  return { save, submit, copy, remove };
}
