import { FlowsPage } from '@/components/flows/FlowsPage';

export default function Page() {
  return <FlowsPage />;
}
