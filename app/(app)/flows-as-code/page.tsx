import { redirect } from 'next/navigation';
import { FlowsAsCodePage } from '@/components/flows-as-code/FlowsAsCodePage';
import { currentSession } from '@/lib/server/auth/server';
import { hasIntegrationAccess } from '@/lib/domain/access/roles';

/** Imports can create integrations and set their secrets: integration access only. */
export default async function Page() {
  const session = await currentSession();
  if (!hasIntegrationAccess(session?.user.role)) redirect('/');
  return <FlowsAsCodePage />;
}
