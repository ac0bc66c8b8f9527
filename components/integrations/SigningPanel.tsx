'use client';
/** Standard Webhooks signing of an integration's requests: on, rotate, off; a new secret is shown once. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner } from '../ui';

interface Signing {
  enabled: boolean;
  rotatedAt: string | Date | null;
  previousValidUntil: string | Date | null;
}

export function SigningPanel({ integrationId, signing, canEdit }: { integrationId: string; signing: Signing; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.integrations.get.queryKey({ id: integrationId }) });
  const show = (result: { secret: string }) => {
    setShown(result.secret);
    return refresh();
  };
  const enable = useMutation(trpc.integrations.enableSigning.mutationOptions({ onSuccess: show }));
  const rotate = useMutation(trpc.integrations.rotateSigningSecret.mutationOptions({ onSuccess: show }));
  const disable = useMutation(trpc.integrations.disableSigning.mutationOptions({ onSuccess: () => (setShown(null), refresh()) }));
  const pending = enable.isPending || rotate.isPending || disable.isPending;
  return (
    <section className="card" aria-labelledby="signing-heading">
      <h2 id="signing-heading">Signed requests</h2>
      <p className="hint">
        With signing on, every request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers (the Standard Webhooks spec), so
        the service can check that the request comes from Hookflow and was not changed. See docs/signing.md for code that verifies them.
      </p>
      <ErrorBanner error={enable.error ?? rotate.error ?? disable.error} />
      {shown ? (
        <div className="banner banner-ok" role="status">
          <p>Give this secret to the service now: it is not shown again.</p>
          <code data-testid="signing-secret" className="copyable">
            {shown}
          </code>
        </div>
      ) : null}
      <p>
        {signing.enabled ? 'Signing is on.' : 'Signing is off.'}{' '}
        {signing.previousValidUntil ? `Requests are also signed with the previous secret until ${new Date(signing.previousValidUntil).toLocaleString()}.` : null}
      </p>
      {canEdit ? (
        <div className="actions">
          {signing.enabled ? (
            <>
              <ConfirmButton
                label="Rotate secret"
                title="Rotate the signing secret?"
                body={<p>A new secret is made and shown once. For 24 hours requests are signed with both the new and the old secret, so the service can switch over.</p>}
                confirmLabel="Rotate"
                onConfirm={() => rotate.mutate({ id: integrationId })}
                disabled={pending}
              />
              <ConfirmButton
                label="Turn signing off"
                title="Turn signing off?"
                body={<p>Requests will carry no signature; a service that checks signatures will refuse them.</p>}
                confirmLabel="Turn off"
                onConfirm={() => disable.mutate({ id: integrationId })}
                disabled={pending}
              />
            </>
          ) : (
            <button type="button" className="primary" onClick={() => enable.mutate({ id: integrationId })} disabled={pending}>
              Turn signing on
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}
