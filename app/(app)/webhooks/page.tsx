import { WebhooksPage } from '@/components/webhooks/WebhookPages';

export default function Page() {
  return <WebhooksPage />;
}
