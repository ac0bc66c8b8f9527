'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { useTitle } from '../ui';
import { IntegrationForm, rowKey, toInput } from './IntegrationForm';

export function NewIntegrationPage() {
  useTitle('Create integration');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [preset, setPreset] = useState<'webhook' | null>(null);
  const create = useMutation(
    trpc.integrations.create.mutationOptions({
      onSuccess: async ({ id }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        router.push(`/integrations/${id}?created=1`);
      },
    }),
  );
  return (
    <main className="page narrow">
      <h1>Create integration</h1>
      {preset === null ? (
        <section className="card">
          <h2>Choose a preset</h2>
          <div className="presets">
            <button type="button" className="preset" onClick={() => setPreset('webhook')}>
              <strong>Webhook Integration</strong>
              <span>Any HTTP API: a root URL, shared headers (with secrets) and an optional rate limit. Its webhooks send JSON requests from your flows.</span>
            </button>
          </div>
        </section>
      ) : (
        <section className="card">
          <h2>Webhook Integration</h2>
          <IntegrationForm
            initial={{
              name: '',
              rootUrl: '',
              rateLimit: '',
              connectTimeoutMs: 10_000,
              requestTimeoutMs: 30_000,
              sendTraceparent: false,
              headers: [{ key: rowKey(), name: 'Content-Type', value: 'application/json', secret: false }],
            }}
            submitLabel="Create"
            pending={create.isPending}
            error={create.error}
            onSubmit={(value) => create.mutate(toInput(value))}
          />
        </section>
      )}
    </main>
  );
}
