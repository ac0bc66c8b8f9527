import { redirect } from 'next/navigation';
import { currentSession } from '@/lib/server/auth/server';
import { hasIntegrationAccess } from '@/lib/domain/access/roles';
import { ApiKeysPage } from '@/components/settings/ApiKeysPage';

export default async function Page() {
  const session = await currentSession();
  if (!hasIntegrationAccess(session?.user.role)) redirect('/');
  return <ApiKeysPage />;
}
