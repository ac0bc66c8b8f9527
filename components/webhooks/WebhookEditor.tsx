'use client';
/**
 * The webhook editor: basics, the full URL preview, the idempotency key, headers, the body template with
 * a variable picker, response capture, retry settings and a real test send. One editor for new and
 * existing webhooks. Each section is its own component; this one holds the draft and composes them.
 */
import Link from 'next/link';
import { useCallback, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, fieldErrorsOf, useTitle } from '../ui';
import { VariablePicker } from './VariablePicker';
import { BasicsSection } from './BasicsSection';
import { IdempotencySection } from './IdempotencySection';
import { HeadersSection } from './HeadersSection';
import { BodySection } from './BodySection';
import { CaptureSection } from './CaptureSection';
import { TestSendPanel } from './TestSendPanel';
import { useWebhookCheck } from './useWebhookCheck';
import { useWebhookActions } from './useWebhookActions';
import { useWebhookSample } from './useWebhookSample';
import { useVariableTarget } from './useVariableTarget';
import { EMPTY_SAMPLE, type SetDraft, type WebhookDraft, type WebhookSample } from './draft';

const FIELD_IDS: Record<string, string> = {
  'wh-integration': 'integrationId',
  'wh-name': 'name',
  'wh-system': 'systemName',
  'wh-description': 'description',
  'wh-path': 'path',
  'wh-retries': 'maxRetries',
  'wh-window': 'retryWindowSeconds',
};

/** The draft field an element edits, as the checks key their messages ("headers.0.value"). */
function fieldOf(element: EventTarget): string | null {
  if (!(element instanceof HTMLElement)) return null;
  if (FIELD_IDS[element.id]) return FIELD_IDS[element.id]!;
  const marked = element.closest<HTMLElement>('[data-field]');
  if (marked) return marked.dataset.field!;
  const label = element.getAttribute('aria-label') ?? '';
  const row = /^(Webhook header|Captured field) (\d+) (name|value|path)$/.exec(label);
  if (!row) return null;
  return `${row[1] === 'Webhook header' ? 'headers' : 'captureFields'}.${Number(row[2]) - 1}.${row[3]}`;
}

export function WebhookEditor({ webhookId, initial }: { webhookId: string | null; initial: WebhookDraft }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<WebhookDraft>(initial);
  const [sample, setSample] = useState<WebhookSample>(EMPTY_SAMPLE);
  const samples = useWebhookSample(webhookId, sample, setSample);
  useTitle(draft.name || 'New webhook');

  const set = useCallback<SetDraft>((patch) => setDraft((d) => ({ ...d, ...patch })), []);
  const integration = useQuery({ ...trpc.integrations.get.queryOptions({ id: draft.integrationId }), enabled: draft.integrationId !== '' });
  const check = useWebhookCheck(draft, sample);
  const { save, submit: saveDraft, copy, remove } = useWebhookActions(webhookId, draft.integrationId, (id) => samples.saveFor(id));
  const variables = useVariableTarget(draft, set);

  const saveErrors = fieldErrorsOf(save.error);
  const liveErrors = check.data?.fieldErrors ?? {};
  // A field's live problems show once the person has left it (or tried to save), not while they type.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const errorsFor = (field: string) => saveErrors[field] ?? (submitted || touched.has(field) ? liveErrors[field] : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    saveDraft(draft);
  };

  return (
    <main className="page editor-page">
      <div className="page-head">
        <h1>{webhookId ? draft.name || 'Webhook' : 'Create webhook'}</h1>
        {webhookId ? (
          <div className="row">
            <button type="button" onClick={() => copy.mutate({ id: webhookId })} disabled={copy.isPending}>
              {copy.isPending ? 'Copying…' : 'Copy'}
            </button>
            <ConfirmButton label="Delete" title={`Delete ${draft.name}?`} body={<p>Its attempt log stays with the runs that used it. This cannot be undone.</p>} confirmLabel="Delete webhook" onConfirm={() => remove.mutate({ id: webhookId })} />
          </div>
        ) : null}
      </div>
      <ErrorBanner error={remove.error ?? copy.error} />
      <form
        onSubmit={submit}
        className="editor-grid"
        noValidate
        onBlurCapture={(event) => {
          const field = fieldOf(event.target);
          if (field && !touched.has(field)) setTouched(new Set([...touched, field]));
        }}
      >
        <div className="editor-main">
          <BasicsSection
            webhookId={webhookId}
            draft={draft}
            set={set}
            errorsFor={errorsFor}
            formError={save.error && Object.keys(saveErrors).length === 0 ? save.error : null}
            saved={save.isSuccess && Boolean(webhookId)}
            rootUrl={integration.data?.rootUrl ?? ''}
            pathRef={variables.pathInput}
            onPathFocus={variables.focusPath}
          />

          <IdempotencySection draft={draft} set={set} errorsFor={errorsFor} usesId={check.data?.usesTransactionalId ?? false} ruleText={check.data?.retryRule ?? 'sent once'} />

          <HeadersSection
            draft={draft}
            set={set}
            errorsFor={errorsFor}
            inherited={integration.data?.headers ?? []}
            previewHeaders={check.data?.preview?.headers ?? null}
            onValueFocus={variables.focusHeader}
          />

          <BodySection draft={draft} set={set} errorsFor={errorsFor} liveErrors={liveErrors.bodyTemplate} editorRef={variables.bodyEditor} onFocus={variables.focusBody} />

          <CaptureSection draft={draft} set={set} errorsFor={errorsFor} />

          <TestSendPanel key={samples.loadedKey} webhookId={webhookId} draft={draft} sample={sample} setSample={setSample} preview={check.data?.preview ?? null} />

          <div className="actions sticky-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : webhookId ? 'Save' : 'Create webhook'}
            </button>
            {draft.integrationId ? <Link href={`/integrations/${draft.integrationId}`}>Back to integration</Link> : null}
          </div>
        </div>
        <aside className="editor-side" aria-label="Variables">
          <VariablePicker excludeWebhookId={webhookId ?? undefined} onPick={variables.insertVariable} target={variables.label} />
        </aside>
      </form>
    </main>
  );
}
