import { redirect } from 'next/navigation';
import { UsersPage } from '@/components/UsersPage';
import { currentSession } from '@/lib/server/auth/server';

export default async function Page() {
  const session = await currentSession();
  if (session?.user.role !== 'admin') redirect('/');
  return <UsersPage />;
}
