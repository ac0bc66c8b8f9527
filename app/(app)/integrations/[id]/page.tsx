import { Suspense } from 'react';
import { IntegrationPage } from '@/components/integrations/IntegrationPage';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <IntegrationPage id={id} />
    </Suspense>
  );
}
