import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { AuditPage } from '@/components/AuditPage';
import { currentSession } from '@/lib/server/auth/server';

export default async function Page() {
  const session = await currentSession();
  if (session?.user.role !== 'admin') redirect('/');
  return (
    <Suspense>
      <AuditPage />
    </Suspense>
  );
}
