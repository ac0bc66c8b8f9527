import { Suspense } from 'react';
import { EditWebhookPage } from '@/components/webhooks/WebhookPages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <EditWebhookPage id={id} />
    </Suspense>
  );
}
