'use client';
/**
 * "Test": runs this flow only, the draft as drawn or the published version, for a sample customer and event
 * (picked from recent real events, or typed). Live really sends; a dry run renders every request, sends
 * nothing, and answers each webhook step with the sample response given here, so branches can be followed.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { FlowGraph } from '@/lib/domain/flow/graph';
import { useTRPC } from '../trpc';
import { ErrorBanner, Field } from '../ui';
import type { CatalogEntry } from './editor-context';

const SAMPLE_ATTRIBUTES = '{\n  "email": "ada@example.com",\n  "first_name": "Ada",\n  "tier": "gold"\n}';

function parseObject(label: string, text: string): { value?: Record<string, unknown>; error?: string } {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: `${label} must be a JSON object, like {"key": "value"}` };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `${label} is not valid JSON: ${(error as Error).message}` };
  }
}

function parseResponseBody(text: string): { value?: unknown; error?: string } {
  if (text.trim() === '') return { value: null };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
}

interface SampleAnswer {
  status: string;
  body: string;
}

function statusError(status: string): string | undefined {
  const n = Number(status);
  return Number.isInteger(n) && n >= 100 && n <= 599 ? undefined : 'Enter an HTTP status from 100 to 599';
}

/** One webhook step's sample response in a dry run. */
function SampleResponseFields({ nodeId, name, answer, onChange }: { nodeId: string; name: string; answer: SampleAnswer; onChange: (a: SampleAnswer) => void }) {
  const body = parseResponseBody(answer.body);
  return (
    <fieldset className="sample-response">
      <legend>{name}</legend>
      <Field label={`${name}: status`} htmlFor={`sample-${nodeId}-status`} error={statusError(answer.status)}>
        <input id={`sample-${nodeId}-status`} inputMode="numeric" value={answer.status} onChange={(e) => onChange({ ...answer, status: e.target.value })} size={5} />
      </Field>
      <Field label={`${name}: response body (JSON)`} htmlFor={`sample-${nodeId}-body`} error={body.error}>
        <textarea id={`sample-${nodeId}-body`} rows={3} className="mono" spellCheck={false} value={answer.body} onChange={(e) => onChange({ ...answer, body: e.target.value })} />
      </Field>
    </fieldset>
  );
}

interface Sample {
  customerId: string;
  attributes: string;
  data: string;
}

/** The sample customer and event: picked from recent real events of the trigger's type, or typed. */
function SampleInputs({
  ids,
  eventType,
  recent,
  loading,
  sample,
  errors,
  onChange,
}: {
  ids: string;
  eventType: string;
  recent: { id: string; customerId: string; receivedAt: string | Date; attributes: Record<string, unknown>; data: Record<string, unknown> }[] | undefined;
  loading: boolean;
  sample: Sample;
  errors: { attributes?: string; data?: string };
  onChange: (next: Partial<Sample>) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${ids}-recent`}>Start from a recent event</label>
        <select
          id={`${ids}-recent`}
          value=""
          onChange={(e) => {
            const picked = recent?.find((r) => r.id === e.target.value);
            if (!picked) return;
            onChange({ customerId: picked.customerId, attributes: JSON.stringify(picked.attributes, null, 2), data: JSON.stringify(picked.data, null, 2) });
          }}
        >
          <option value="">{loading ? 'Loading…' : recent?.length ? 'Choose an event…' : `No ${eventType} events received yet: type a sample below`}</option>
          {(recent ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.customerId} · {new Date(r.receivedAt).toLocaleString()}
            </option>
          ))}
        </select>
      </div>
      <Field label="Customer id" htmlFor={`${ids}-customer`} error={sample.customerId.trim() ? undefined : 'Enter a customer id'}>
        <input id={`${ids}-customer`} value={sample.customerId} onChange={(e) => onChange({ customerId: e.target.value })} />
      </Field>
      <div className="row wrap">
        <Field label="Customer attributes (JSON)" htmlFor={`${ids}-attributes`} error={errors.attributes}>
          <textarea id={`${ids}-attributes`} rows={6} value={sample.attributes} onChange={(e) => onChange({ attributes: e.target.value })} spellCheck={false} className="mono" />
        </Field>
        <Field label="Event data (JSON)" htmlFor={`${ids}-data`} error={errors.data}>
          <textarea id={`${ids}-data`} rows={6} value={sample.data} onChange={(e) => onChange({ data: e.target.value })} spellCheck={false} className="mono" />
        </Field>
      </div>
    </>
  );
}

/** What runs (the draft or the published version) and how (dry or live). */
function RunChoices({
  source,
  mode,
  publishedVersion,
  problemCount,
  onSource,
  onMode,
}: {
  source: 'draft' | 'published';
  mode: 'dry' | 'live';
  publishedVersion: number | null;
  /** the draft's problems, when the draft is chosen */
  problemCount: number;
  onSource: (source: 'draft' | 'published') => void;
  onMode: (mode: 'dry' | 'live') => void;
}) {
  return (
    <>
      <fieldset className="choice-row">
        <legend>What runs</legend>
        <label>
          <input type="radio" name="test-source" checked={source === 'draft'} onChange={() => onSource('draft')} /> The draft, as drawn now
        </label>
        <label>
          <input type="radio" name="test-source" checked={source === 'published'} disabled={publishedVersion === null} onChange={() => onSource('published')} />{' '}
          {publishedVersion === null ? 'The published version (none yet)' : `Published v${publishedVersion}`}
        </label>
      </fieldset>
      {problemCount > 0 ? <p className="field-error" role="alert">The draft has {problemCount} problem{problemCount === 1 ? '' : 's'}: fix {problemCount === 1 ? 'it' : 'them'} to test the draft.</p> : null}
      <fieldset className="choice-row">
        <legend>How</legend>
        <label>
          <input type="radio" name="test-mode" checked={mode === 'dry'} onChange={() => onMode('dry')} /> Dry run: show each request, send nothing
        </label>
        <label>
          <input type="radio" name="test-mode" checked={mode === 'live'} onChange={() => onMode('live')} /> Live: really send the requests
        </label>
      </fieldset>
    </>
  );
}

/** A dry run's sample response for each webhook step of the graph. */
function SampleResponses({
  steps,
  catalog,
  answerOf,
  onChange,
}: {
  steps: FlowGraph['nodes'];
  catalog: ReadonlyMap<string, CatalogEntry>;
  answerOf: (nodeId: string) => SampleAnswer;
  onChange: (nodeId: string, answer: SampleAnswer) => void;
}) {
  if (steps.length === 0) return null;
  return (
    <div className="sample-responses">
      <h3>Sample responses</h3>
      <p className="hint">What each webhook answers in this dry run. A status of 400 or more counts as a failed webhook.</p>
      {steps.map((n) => (
        <SampleResponseFields
          key={n.id}
          nodeId={n.id}
          name={catalog.get(String((n.data as { webhookId?: string }).webhookId))?.name ?? 'Webhook step'}
          answer={answerOf(n.id)}
          onChange={(a) => onChange(n.id, a)}
        />
      ))}
    </div>
  );
}

export function TestRunDialog({
  flowId,
  eventType,
  graph,
  catalog,
  publishedVersion,
  problemCount,
  beforeRun,
  onStarted,
}: {
  flowId: string;
  eventType: string;
  /** the draft as drawn now */
  graph: () => FlowGraph;
  catalog: ReadonlyMap<string, CatalogEntry>;
  publishedVersion: number | null;
  problemCount: number;
  /** saves the draft first: the server runs the saved draft */
  beforeRun: () => Promise<unknown>;
  onStarted: (runId: string) => void;
}) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [source, setSource] = useState<'draft' | 'published'>('draft');
  const [mode, setMode] = useState<'dry' | 'live'>('dry');
  const [customerId, setCustomerId] = useState('test-customer-1');
  const [attributes, setAttributes] = useState(SAMPLE_ATTRIBUTES);
  const [data, setData] = useState('{}');
  const [skipWaits, setSkipWaits] = useState(true);
  const [answers, setAnswers] = useState<Record<string, SampleAnswer>>({});
  const recent = useQuery({ ...trpc.flows.recentEvents.queryOptions({ eventType }), enabled: open });
  const run = useMutation(
    trpc.flows.testRun.mutationOptions({
      onSuccess: (result) => {
        dialog.current?.close();
        setOpen(false);
        onStarted(result.runId);
      },
    }),
  );
  const webhookSteps = open ? graph().nodes.filter((n) => n.type === 'webhook') : [];
  const parsedAttributes = parseObject('Customer attributes', attributes);
  const parsedData = parseObject('Event data', data);
  const answerOf = (nodeId: string) => answers[nodeId] ?? { status: '200', body: '{}' };
  const answerErrors = mode === 'dry' && webhookSteps.some((n) => statusError(answerOf(n.id).status) || parseResponseBody(answerOf(n.id).body).error);
  const draftBlocked = source === 'draft' && problemCount > 0;
  const invalid = Boolean(parsedAttributes.error || parsedData.error || answerErrors || !customerId.trim() || draftBlocked);

  const submit = async () => {
    if (invalid || !parsedAttributes.value || !parsedData.value) return;
    const responses = Object.fromEntries(webhookSteps.map((n) => [n.id, { status: Number(answerOf(n.id).status), body: parseResponseBody(answerOf(n.id).body).value }]));
    if (source === 'draft') await beforeRun();
    run.mutate({ id: flowId, source, mode, customerId: customerId.trim(), attributes: parsedAttributes.value, data: parsedData.value, responses: mode === 'dry' ? responses : {}, skipWaits });
  };

  return (
    <>
      <button
        type="button"
        onClick={() => {
          run.reset();
          setOpen(true);
          dialog.current?.showModal();
        }}
        title="Run this flow once for a sample customer: a dry run sends nothing"
      >
        Test
      </button>
      <dialog ref={dialog} className="dialog wide nokey" aria-labelledby={`${ids}-title`} onClose={() => setOpen(false)}>
        <h2 id={`${ids}-title`}>Test this flow</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <RunChoices source={source} mode={mode} publishedVersion={publishedVersion} problemCount={draftBlocked ? problemCount : 0} onSource={setSource} onMode={setMode} />
          <p className="hint">
            Only this flow runs, for a <code>{eventType}</code> event with the sample below. The run is marked as a test: it never counts as a customer run.
          </p>
          <SampleInputs
            ids={ids}
            eventType={eventType}
            recent={recent.data}
            loading={recent.isPending}
            sample={{ customerId, attributes, data }}
            errors={{ attributes: parsedAttributes.error, data: parsedData.error }}
            onChange={(next) => {
              if (next.customerId !== undefined) setCustomerId(next.customerId);
              if (next.attributes !== undefined) setAttributes(next.attributes);
              if (next.data !== undefined) setData(next.data);
            }}
          />
          <label className="checkbox">
            <input type="checkbox" checked={skipWaits} onChange={(e) => setSkipWaits(e.target.checked)} /> Skip waits, so the whole path shows now
          </label>
          {mode === 'dry' ? <SampleResponses steps={webhookSteps} catalog={catalog} answerOf={answerOf} onChange={(nodeId, a) => setAnswers((all) => ({ ...all, [nodeId]: a }))} /> : null}
          <ErrorBanner error={run.error} />
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                dialog.current?.close();
                setOpen(false);
              }}
            >
              Cancel
            </button>
            <button type="submit" className="primary" disabled={run.isPending || invalid}>
              {run.isPending ? 'Starting…' : mode === 'dry' ? 'Start dry run' : 'Start live test'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
