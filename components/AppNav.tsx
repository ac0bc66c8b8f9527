'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import type { SessionUser } from '@/lib/server/auth/session';
import { hasIntegrationAccess } from '@/lib/domain/access/roles';
import { csrfToken } from './trpc';

const links = [
  { href: '/', label: 'Overview' },
  { href: '/flows', label: 'Flows' },
  { href: '/integrations', label: 'Integrations' },
  { href: '/webhooks', label: 'Webhooks' },
  { href: '/logs', label: 'Logs' },
];

/** A section and its sub-pages; "/flows" is not current on "/flows-as-code". */
function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function AppNav({ user }: { user: SessionUser }) {
  const pathname = usePathname();
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);
  const signOut = async () => {
    setSigningOut(true);
    await fetch('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken() } });
    router.replace('/login');
    router.refresh();
  };
  const all = [
    ...links,
    ...(hasIntegrationAccess(user.role)
      ? [
          { href: '/flows-as-code', label: 'Flows as code' },
          { href: '/settings/api-keys', label: 'Settings' },
        ]
      : []),
    ...(user.role === 'admin' ? [{ href: '/users', label: 'Users' }, { href: '/audit', label: 'Audit' }] : []),
  ];
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        Hookflow
      </Link>
      <nav aria-label="Main">
        {all.map((link) => (
          <Link key={link.href} href={link.href} aria-current={isCurrent(link.href, pathname) ? 'page' : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      <div className="topbar-user">
        <span title={user.email}>
          {user.name || user.email} · <span className="role">{user.role}</span>
        </span>
        <button type="button" className="link-button" onClick={signOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </header>
  );
}
