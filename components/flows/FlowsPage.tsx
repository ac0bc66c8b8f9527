'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Field, fieldErrorsOf, Loading, useTitle } from '../ui';
import { FlowTable, type FlowRow } from './FlowTable';
import { IDENTIFY_EVENT_TYPE } from '@/lib/domain/events/schema';

function RenameForm({ flow, onDone }: { flow: FlowRow; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(flow.name);
  const rename = useMutation(
    trpc.flows.rename.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(rename.error);
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        rename.mutate({ id: flow.id, name });
      }}
    >
      <input aria-label={`New name for ${flow.name}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <button type="submit" className="primary" disabled={rename.isPending}>
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      {errors.name ? <span className="field-error">{errors.name[0]}</span> : <ErrorBanner error={Object.keys(errors).length ? null : rename.error} />}
    </form>
  );
}

export function FlowsPage() {
  useTitle('Flows');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [startsOn, setStartsOn] = useState<'event' | 'identified'>('event');
  const flows = useQuery(trpc.flows.list.queryOptions({ includeArchived: showArchived }));
  const eventTypes = useQuery(trpc.flows.eventTypes.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
  const create = useMutation(trpc.flows.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/flows/${id}`) }));
  const duplicate = useMutation(trpc.flows.duplicate.mutationOptions({ onSuccess: refresh }));
  const archive = useMutation(trpc.flows.archive.mutationOptions({ onSuccess: refresh }));
  const errors = fieldErrorsOf(create.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get('name') ?? ''), triggerEventType: startsOn === 'identified' ? IDENTIFY_EVENT_TYPE : String(form.get('eventType') ?? '') });
  };
  const empty = flows.data?.length === 0 && !showArchived;
  return (
    <main className="page">
      <h1>Flows</h1>
      {empty ? (
        <section className="card empty-state">
          <h2>No flows yet</h2>
          <p>
            A flow is what happens after a customer event comes in: a sign-up, an order placed, a cart abandoned. You draw it on a canvas with
            webhook steps that call your services (a helpdesk, a warehouse, Telegram, any API), branches that route on what they answered, and
            waits. Every run is a Temporal workflow, so each webhook is retried safely and every run can be inspected.
          </p>
          <p>Create your first one below: name it and pick the event that starts it.</p>
        </section>
      ) : null}
      <section className="card" aria-labelledby="new-flow">
        <h2 id="new-flow">New flow</h2>
        <form onSubmit={submit} className="row wrap">
          <Field label="Name" htmlFor="flow-name" error={errors.name}>
            <input id="flow-name" name="name" placeholder="Welcome series" required />
          </Field>
          <Field label="Starts when" htmlFor="flow-starts-on">
            <select id="flow-starts-on" value={startsOn} onChange={(e) => setStartsOn(e.target.value === 'identified' ? 'identified' : 'event')}>
              <option value="event">an event arrives</option>
              <option value="identified">a customer is identified (Segment identify)</option>
            </select>
          </Field>
          {startsOn === 'event' ? (
            <Field label="Starts on event" htmlFor="flow-event" error={errors.triggerEventType} hint="Pick an event type seen so far, or type a new one">
              <input id="flow-event" name="eventType" placeholder="customer.signed_up" list="flow-event-types" required autoComplete="off" />
            </Field>
          ) : null}
          <datalist id="flow-event-types">
            {(eventTypes.data ?? []).filter((t) => t !== IDENTIFY_EVENT_TYPE).map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
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
        <ErrorBanner error={duplicate.error ?? archive.error} />
        {flows.isPending ? <Loading what="flows" /> : null}
        {flows.isError ? <ErrorBanner error={new Error(`Could not load flows: ${flows.error.message}`)} /> : null}
        {flows.data?.length === 0 && showArchived ? <p className="empty">No flows, archived or not.</p> : null}
        {flows.data?.length ? (
          <FlowTable
            flows={flows.data}
            actions={(flow) =>
              renaming === flow.id ? (
                <RenameForm flow={flow} onDone={() => setRenaming(null)} />
              ) : (
                <span className="row">
                  <button type="button" onClick={() => setRenaming(flow.id)}>
                    Rename
                  </button>
                  <button type="button" onClick={() => duplicate.mutate({ id: flow.id })} disabled={duplicate.isPending}>
                    Duplicate
                  </button>
                  {flow.status !== 'archived' ? (
                    <ConfirmButton
                      label="Archive"
                      title={`Archive ${flow.name}?`}
                      body={<p>It stops starting runs; running ones finish. Find it again with “Show archived” and restore it from its page.</p>}
                      confirmLabel="Archive"
                      onConfirm={() => archive.mutate({ id: flow.id })}
                    />
                  ) : null}
                </span>
              )
            }
          />
        ) : null}
      </section>
    </main>
  );
}
