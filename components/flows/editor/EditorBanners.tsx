'use client';
import { ErrorBanner } from '../../ui';
import { StatusBadge, TestBadge } from '../../StatusBadge';
import type { RunOverlayState } from './useRunOverlay';

/** Under the toolbar: an error from saving or the flow's actions, a successful publish, and a notice to dismiss. */
export function EditorNotices({ error, publishedVersion, notice, onDismiss }: { error: unknown; publishedVersion: number | null; notice: string | null; onDismiss: () => void }) {
  return (
    <>
      <ErrorBanner error={error} />
      {publishedVersion !== null ? (
        <div className="banner banner-ok" role="status">
          Published version {publishedVersion}. New events run it; running runs keep their version.
        </div>
      ) : null}
      {notice ? (
        <div className="banner banner-info" role="status">
          {notice}{' '}
          <button type="button" className="link-like" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
    </>
  );
}

/** While a version opened from the Versions tab is on the canvas: restore it as the draft, or go back. */
export function VersionBanner({ viewing, onRestore, onBack }: { viewing: { version: number } | null; onRestore: () => void; onBack: () => void }) {
  if (!viewing) return null;
  return (
    <div className="banner banner-info" role="status">
      Viewing version {viewing.version}, read-only.{' '}
      <button type="button" onClick={onRestore}>
        Restore as draft
      </button>{' '}
      <button type="button" onClick={onBack}>
        Back to the draft
      </button>
    </div>
  );
}

/** The run being watched: its version and status, links to Temporal and to its requests, and Stop watching. */
export function RunBanner({ run, versionOpen }: { run: RunOverlayState; versionOpen: boolean }) {
  const { watchedRun, progress } = run;
  return (
    <>
      {watchedRun && progress.isError ? <ErrorBanner error={new Error(`Could not follow the run: ${progress.error.message}`)} /> : null}
      {watchedRun && progress.data ? (
        <div className="banner banner-info run-banner" role="status" data-testid="run-banner">
          Watching {progress.data.testMode === 'dry' ? 'a dry-run test' : progress.data.testMode === 'live' ? 'a live test' : 'a run'} of {progress.data.version === null ? 'the draft' : `v${progress.data.version}`}
          {run.runDiffers && !versionOpen && progress.data.version !== null ? ' (shown as v' + progress.data.version + ' ran it; the draft has changed since)' : ''}: <StatusBadge status={progress.data.status} />{' '}
          <TestBadge mode={progress.data.testMode} />{' '}
          <a href={progress.data.temporalUrl} target="_blank" rel="noreferrer">
            Open in Temporal ↗
          </a>{' '}
          <a href={`/runs/${progress.data.id}`}>{progress.data.testMode === 'dry' ? 'The rendered requests' : 'Requests and responses'}</a>{' '}
          <button type="button" className="link-like" onClick={() => run.watch(null)}>
            Stop watching
          </button>
        </div>
      ) : null}
    </>
  );
}
