import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { currentSession } from '@/lib/server/auth/server';
import { AppNav } from '@/components/AppNav';

export const dynamic = 'force-dynamic';

/** Every page in here needs a signed-in user. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) redirect('/login');
  return (
    <>
      <AppNav user={session.user} />
      {children}
    </>
  );
}
