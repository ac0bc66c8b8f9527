import { Suspense } from 'react';
import { NewWebhookPage } from '@/components/webhooks/WebhookPages';

export default function Page() {
  return (
    <Suspense>
      <NewWebhookPage />
    </Suspense>
  );
}
