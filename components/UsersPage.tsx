'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from './trpc';
import { ConfirmButton, ErrorBanner, Field, fieldErrorsOf, QueryView, useTitle } from './ui';
import { ROLES, ROLE_LABELS, type Role } from '@/lib/domain/access/roles';

export function UsersPage() {
  useTitle('Users');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const invite = useMutation(trpc.users.invite.mutationOptions({ onSuccess: refresh }));
  const updateRole = useMutation(trpc.users.updateRole.mutationOptions({ onSuccess: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSuccess: refresh }));
  const revokeSessions = useMutation(trpc.users.revokeSessions.mutationOptions());
  const [role, setRole] = useState<Role>('marketer');
  const errors = fieldErrorsOf(invite.error);
  const me = useQuery(trpc.users.me.queryOptions());
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    // The form starts over for the next person once this invite exists.
    invite.mutate(
      { email: String(form.get('email')), name: String(form.get('name') ?? ''), role },
      {
        onSuccess: () => {
          element.reset();
          setRole('marketer');
        },
      },
    );
  };
  const inviteUrl = invite.data ? `${window.location.origin}${invite.data.invitePath}` : null;
  return (
    <main className="page">
      <h1>Users</h1>
      <section className="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <form onSubmit={submit} className="row wrap">
          <Field label="Email" htmlFor="invite-email" error={errors.email}>
            <input id="invite-email" name="email" type="email" required />
          </Field>
          <Field label="Name" htmlFor="invite-name">
            <input id="invite-name" name="name" />
          </Field>
          <Field label="Role" htmlFor="invite-role" hint={ROLE_LABELS[role]}>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <div className="actions">
            <button className="primary" type="submit" disabled={invite.isPending}>
              {invite.isPending ? 'Inviting…' : 'Create invite link'}
            </button>
          </div>
        </form>
        {invite.error && Object.keys(errors).length === 0 ? <ErrorBanner error={invite.error} /> : null}
        {inviteUrl && invite.variables ? (
          <div className="banner banner-ok invite-link" role="status">
            Send this one-time link to {invite.variables.email} (valid 7 days): <code data-testid="invite-link">{inviteUrl}</code>
          </div>
        ) : null}
      </section>
      <section className="card">
        <ErrorBanner error={updateRole.error ?? setDisabled.error ?? revokeSessions.error} />
        {revokeSessions.data ? (
          <div className="banner banner-ok" role="status">
            Signed out of {revokeSessions.data.sessionsEnded} session{revokeSessions.data.sessionsEnded === 1 ? '' : 's'}.
          </div>
        ) : null}
        <QueryView query={users} what="users" empty="No users yet.">
          {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((u) => (
                <tr key={u.id}>
                  <td>{u.email}</td>
                  <td>{u.name}</td>
                  <td>
                    <select className="role-select" aria-label={`Role of ${u.email}`} value={u.role} disabled={u.id === me.data?.id} title={u.id === me.data?.id ? 'You cannot change your own role' : undefined} onChange={(e) => updateRole.mutate({ id: u.id, role: e.target.value as Role })}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{u.disabled ? 'disabled' : u.invitePending ? 'invited' : 'active'}</td>
                  <UserActions user={u} self={u.id === me.data?.id} onRevoke={() => revokeSessions.mutate({ id: u.id })} onSetDisabled={(disabled) => setDisabled.mutate({ id: u.id, disabled })} />
                </tr>
              ))}
            </tbody>
          </table>
          )}
        </QueryView>
      </section>
    </main>
  );
}

/** A user's row actions: sign out everywhere, and enable or disable (not on your own row). */
function UserActions({ user, self, onRevoke, onSetDisabled }: { user: { email: string; disabled: boolean; invitePending: boolean }; self: boolean; onRevoke: () => void; onSetDisabled: (disabled: boolean) => void }) {
  return (
    <td className="row">
      {user.disabled || user.invitePending ? null : (
        <ConfirmButton
          label="Sign out everywhere"
          title={`Sign ${user.email} out everywhere?`}
          body={<p>Every session of this account ends at once; they can sign in again with their password (for your own account, this browser stays signed in). Use it when a laptop is lost or a password may be known.</p>}
          confirmLabel="Sign out everywhere"
          onConfirm={onRevoke}
        />
      )}
      {self ? (
        <span className="muted">you</span>
      ) : user.disabled ? (
        <button type="button" onClick={() => onSetDisabled(false)}>
          Enable
        </button>
      ) : (
        <ConfirmButton label="Disable" title={`Disable ${user.email}?`} body={<p>They are signed out at once and cannot sign in until enabled again.</p>} confirmLabel="Disable" onConfirm={() => onSetDisabled(true)} />
      )}
    </td>
  );
}
