'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { ErrorBanner, Field, fieldErrorsOf, QueryView, useTitle } from '../ui';
import { FlowTable } from './FlowTable';

export function FlowsPage() {
  useTitle('Flows');
  const trpc = useTRPC();
  const router = useRouter();
  const [showArchived, setShowArchived] = useState(false);
  const flows = useQuery(trpc.flows.list.queryOptions({ includeArchived: showArchived }));
  const create = useMutation(trpc.flows.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/flows/${id}`) }));
  const errors = fieldErrorsOf(create.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get('name') ?? ''), triggerEventType: String(form.get('eventType') ?? '') });
  };
  return (
    <main className="page">
      <h1>Flows</h1>
      <section className="card" aria-labelledby="new-flow">
        <h2 id="new-flow">New flow</h2>
        <form onSubmit={submit} className="row wrap">
          <Field label="Name" htmlFor="flow-name" error={errors.name}>
            <input id="flow-name" name="name" placeholder="Welcome series" required />
          </Field>
          <Field label="Starts on event" htmlFor="flow-event" error={errors.triggerEventType}>
            <input id="flow-event" name="eventType" placeholder="customer.signed_up" required />
          </Field>
          <div className="actions">
            <button className="primary" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create flow'}
            </button>
          </div>
        </form>
        {create.error && Object.keys(errors).length === 0 ? <ErrorBanner error={create.error} /> : null}
      </section>
      <section className="card">
        <label className="toggle">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
        </label>
        <QueryView query={flows} what="flows" empty="No flows yet. Create one above: it starts when its event comes in.">
          {(data) => <FlowTable flows={data} />}
        </QueryView>
      </section>
    </main>
  );
}
