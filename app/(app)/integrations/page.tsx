import { IntegrationsPage } from '@/components/integrations/IntegrationsPage';
import { currentSession } from '@/lib/auth/server';
import { hasIntegrationAccess } from '@/lib/auth/roles';

export default async function Page() {
  const session = await currentSession();
  return <IntegrationsPage canCreate={hasIntegrationAccess(session?.user.role)} />;
}
