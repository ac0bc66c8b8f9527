import { IntegrationsPage } from '@/components/integrations/IntegrationsPage';
import { currentSession } from '@/lib/server/auth/server';
import { hasIntegrationAccess } from '@/lib/domain/access/roles';

export default async function Page() {
  const session = await currentSession();
  return <IntegrationsPage canCreate={hasIntegrationAccess(session?.user.role)} />;
}
