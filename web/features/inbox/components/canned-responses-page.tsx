import { PageHeader } from '../../../components/page-header.tsx';

export function CannedResponsesPage() {
  return <PageHeader title="CannedResponsesPage" />;
}
