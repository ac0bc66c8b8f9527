import { redirect } from 'next/navigation';
import { NewIntegrationPage } from '@/components/integrations/NewIntegrationPage';
import { currentSession } from '@/lib/server/auth/server';
import { hasIntegrationAccess } from '@/lib/domain/access/roles';

export default async function Page() {
  const session = await currentSession();
  if (!hasIntegrationAccess(session?.user.role)) redirect('/integrations');
  return <NewIntegrationPage />;
}
