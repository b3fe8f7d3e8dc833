import { PageHeader } from '../../../components/page-header.tsx';

export function P2pCampaignPage() {
  return <PageHeader title="P2pCampaignPage" />;
}
