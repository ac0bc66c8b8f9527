'use client';
/** Small accessible form and feedback pieces shared by every page. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { errorMessage } from './error-message';

export function Field({ label, error, hint, children, htmlFor }: { label: string; error?: string[] | string | null; hint?: ReactNode; children: ReactNode; htmlFor: string }) {
  const errors = error ? (Array.isArray(error) ? error : [error]) : [];
  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint ? <div className="hint" id={`${htmlFor}-hint`}>{hint}</div> : null}
      {errors.map((message) => (
        <div key={message} className="field-error" role="alert" id={`${htmlFor}-error`}>
          {message}
        </div>
      ))}
    </div>
  );
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const message = errorMessage(error);
  return (
    <div className="banner banner-error" role="alert">
      {message}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A button that asks in a modal dialog before doing something destructive. */
export function ConfirmButton({ label, title, body, confirmLabel, onConfirm, disabled, className }: { label: string; title: string; body: ReactNode; confirmLabel: string; onConfirm: () => void; disabled?: boolean; className?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className={className ?? 'danger'} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="dialog nokey">
        <h2 id={titleId}>{title}</h2>
        <div>{body}</div>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Field errors from a tRPC error, keyed by dotted path. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  const data = (error as { data?: { fieldErrors?: Record<string, string[]> | null } } | null)?.data;
  return data?.fieldErrors ?? {};
}

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Hookflow`;
  }, [title]);
}

/** The loading, error, empty and loaded states of a list query, said the same way on every page. */
export function QueryView<T>({ query, what, empty, children }: { query: UseQueryResult<T[], { message: string }>; what: string; empty: ReactNode; children: (data: T[]) => ReactNode }) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) return <ErrorBanner error={new Error(`Could not load ${what}: ${query.error.message}`)} />;
  if (query.data.length === 0) return <p className="empty">{empty}</p>;
  return <>{children(query.data)}</>;
}

/** Messages under a field that is not wrapped in <Field> (table cells, repeated rows). */
export function FieldMessages({ messages }: { messages?: string[] }) {
  return (
    <>
      {(messages ?? []).map((message) => (
        <div key={message} className="field-error" role="alert">
          {message}
        </div>
      ))}
    </>
  );
}
