'use client';
/**
 * Flows as code in the app: download the export, and paste or upload a document to check (dry run) and
 * import it. Same procedures, same rules and same messages as `npm run hookflow`.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ChangeEvent } from 'react';
import { useTRPC } from '../trpc';
import { CodeEditor } from '../CodeEditor';
import { ErrorBanner, Field, Loading, useTitle } from '../ui';
import { describeChange } from '@/lib/domain/flows-as-code/changes';

export function FlowsAsCodePage() {
  useTitle('Flows as code');
  return (
    <main className="page">
      <div className="page-head">
        <h1>Flows as code</h1>
      </div>
      <p className="muted">
        Integrations, webhooks and flows as one JSON document to keep in git and move between installations. Secret header values are never exported.
        See docs/flows-as-code.md; the command line does the same: <code>npm run hookflow -- export</code> and <code>npm run hookflow -- import</code>.
      </p>
      <ExportSection />
      <ImportSection />
    </main>
  );
}

function ExportSection() {
  const trpc = useTRPC();
  const exported = useQuery(trpc.flowsAsCode.export.queryOptions(undefined, { staleTime: 0 }));
  const download = () => {
    if (!exported.data) return;
    const url = URL.createObjectURL(new Blob([exported.data.text], { type: 'application/json' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'hookflow.json' });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="card" aria-labelledby="export-heading">
      <div className="page-head">
        <h2 id="export-heading">Export</h2>
        <div className="row">
          <button type="button" onClick={() => void exported.refetch()} disabled={exported.isFetching}>
            {exported.isFetching ? 'Exporting…' : 'Refresh'}
          </button>
          <button type="button" className="primary" onClick={download} disabled={!exported.data}>
            Download hookflow.json
          </button>
        </div>
      </div>
      {exported.isPending ? <Loading what="the export" /> : null}
      <ErrorBanner error={exported.error ? new Error(`Could not export: ${exported.error.message}`) : null} />
      {exported.data ? (
        <>
          {exported.data.warnings.length > 0 ? (
            <ul className="problems" aria-label="Export warnings">
              {exported.data.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
          <CodeEditor id="export-document" label="Exported document" value={exported.data.text} onChange={() => undefined} readOnly minHeight={240} maxHeight={480} />
        </>
      ) : null}
    </section>
  );
}

/** The secret refs a pasted document names, so the form can ask for their values. */
function secretRefsOf(text: string): string[] {
  try {
    const document = JSON.parse(text) as { integrations?: { headers?: { secretRef?: unknown }[] }[] };
    const refs = (document.integrations ?? []).flatMap((i) => (i.headers ?? []).map((h) => h.secretRef)).filter((ref): ref is string => typeof ref === 'string');
    return [...new Set(refs)];
  } catch {
    return [];
  }
}

function ImportSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [publish, setPublish] = useState(false);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const refs = useMemo(() => secretRefsOf(text), [text]);
  const run = useMutation(
    trpc.flowsAsCode.import.mutationOptions({
      onSuccess: (result) => {
        if (result.ok && !result.dryRun) void queryClient.invalidateQueries();
      },
    }),
  );
  const submit = (dryRun: boolean) => run.mutate({ document: text, publish, dryRun, secrets: Object.fromEntries(refs.map((ref) => [ref, secrets[ref] ?? ''])) });
  // A stale result would describe another document.
  const edit = (value: string) => {
    setText(value);
    run.reset();
  };
  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) edit(await file.text());
  };
  const result = run.data;
  return (
    <section className="card" aria-labelledby="import-heading">
      <h2 id="import-heading">Import</h2>
      <Field label="Document file" htmlFor="import-file" hint="Or paste the document below.">
        <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => void upload(e)} />
      </Field>
      <CodeEditor id="import-document" label="Document to import" value={text} onChange={edit} minHeight={240} maxHeight={480} />
      {refs.length > 0 ? (
        <fieldset className="form">
          <legend>Secret values</legend>
          <p className="hint">Leave a field blank to use the server’s HOOKFLOW_SECRET_&lt;ref&gt;, or else the value Hookflow already stores for that header.</p>
          {refs.map((ref) => (
            <Field key={ref} label={ref} htmlFor={`secret-${ref}`}>
              <input id={`secret-${ref}`} type="password" autoComplete="off" value={secrets[ref] ?? ''} onChange={(e) => setSecrets({ ...secrets, [ref]: e.target.value })} />
            </Field>
          ))}
        </fieldset>
      ) : null}
      <label className="toggle">
        <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} /> Publish the flows marked &quot;published&quot;: true
      </label>
      <div className="actions">
        <button type="button" onClick={() => submit(true)} disabled={!text.trim() || run.isPending}>
          Check (dry run)
        </button>
        <button type="button" className="primary" onClick={() => submit(false)} disabled={!text.trim() || run.isPending}>
          {run.isPending ? 'Working…' : 'Import'}
        </button>
      </div>
      <ErrorBanner error={run.error} />
      {result && !result.ok ? (
        <div className="banner banner-error" role="alert">
          <p>Refused, nothing was written. {result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`}:</p>
          <ul aria-label="Problems">
            {result.problems.map((problem) => (
              <li key={`${problem.path} ${problem.message}`}>
                <code>{problem.path}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.ok ? (
        <div className="banner banner-ok" role="status">
          <p>{result.dryRun ? 'Dry run: nothing was written. The import would make these changes:' : 'Imported:'}</p>
          <ul aria-label="Changes" className="plain-list">
            {result.changes.map((change) => (
              <li key={`${change.kind} ${change.name}`}>
                <code>{describeChange(change)}</code>
              </li>
            ))}
          </ul>
          <p>{result.summary}</p>
        </div>
      ) : null}
    </section>
  );
}
