'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from './trpc';
import { ErrorBanner, Field, fieldErrorsOf } from './ui';

export function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
    }).catch(() => null);
    setPending(false);
    if (!response) return setError('Could not reach the server');
    if (!response.ok) return setError(((await response.json().catch(() => ({}))) as { message?: string }).message ?? 'Sign-in failed');
    router.replace('/');
    router.refresh();
  };
  return (
    <form onSubmit={submit} className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Hookflow</h1>
      {error ? <ErrorBanner error={error} /> : null}
      <Field label="Email" htmlFor="email">
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password" htmlFor="password">
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

/** Signs in with what was just set; on failure the person lands on the sign-in page instead. */
async function signInAfterwards(email: string, password: string): Promise<boolean> {
  const response = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).catch(() => null);
  return response?.ok ?? false;
}

/** Accepting an invite, or creating the first admin from the setup link; either way you are signed in after. */
export function SetPasswordForm({ mode }: { mode: 'invite' | 'setup' }) {
  const trpc = useTRPC();
  const router = useRouter();
  const token = useSearchParams().get('token') ?? '';
  const accept = useMutation(trpc.account.acceptInvite.mutationOptions());
  const setup = useMutation(trpc.account.setup.mutationOptions());
  const invite = useQuery({ ...trpc.account.invite.queryOptions({ token }), enabled: mode === 'invite' && token !== '' });
  const mutation = mode === 'invite' ? accept : setup;
  const errors = fieldErrorsOf(mutation.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '');
    const password = String(form.get('password') ?? '');
    const done = {
      onSuccess: async ({ email }: { email: string }) => {
        const signedIn = await signInAfterwards(email, password);
        router.replace(signedIn ? '/' : '/login');
        router.refresh();
      },
    };
    if (mode === 'invite') accept.mutate({ token, name, password }, done);
    else setup.mutate({ token, name, password, email: String(form.get('email') ?? '') }, done);
  };
  if (!token) return <div className="auth-card"><ErrorBanner error="This link has no token. Use the full link you were given." /></div>;
  if (mode === 'invite' && invite.data && !invite.data.valid) {
    return <div className="auth-card"><ErrorBanner error="This invite link is invalid or has expired; ask an admin for a new one." /></div>;
  }
  const invited = invite.data?.valid ? invite.data : null;
  return (
    <form onSubmit={submit} className="auth-card" aria-labelledby="setpw-title">
      <h1 id="setpw-title">{mode === 'invite' ? 'Join Hookflow' : 'Create the first admin'}</h1>
      {invited ? (
        <p data-testid="invite-details">
          {invited.invitedBy ? <>{invited.invitedBy} invited you</> : <>You are invited</>} as <strong>{invited.role}</strong>. Your account: <strong>{invited.email}</strong>
        </p>
      ) : null}
      {mutation.error && Object.keys(errors).length === 0 ? <ErrorBanner error={mutation.error} /> : null}
      {mode === 'setup' ? (
        <Field label="Email" htmlFor="email" error={errors.email}>
          <input id="email" name="email" type="email" required autoComplete="username" />
        </Field>
      ) : null}
      <Field label="Your name" htmlFor="name" error={errors.name}>
        <input id="name" name="name" autoComplete="name" defaultValue={invited?.name ?? ''} key={invited?.email ?? 'name'} />
      </Field>
      <Field label="Password" htmlFor="password" error={errors.password} hint="At least 10 characters">
        <input id="password" name="password" type="password" required minLength={10} autoComplete="new-password" />
      </Field>
      <button type="submit" className="primary" disabled={mutation.isPending || mutation.isSuccess}>
        {mutation.isPending || mutation.isSuccess ? 'Signing you in…' : mode === 'invite' ? 'Set password and sign in' : 'Create admin and sign in'}
      </button>
    </form>
  );
}
