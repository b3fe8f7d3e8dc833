import { PageHeader } from '../../../components/page-header.tsx';

export function P2pCampaignsPage() {
  return <PageHeader title="P2pCampaignsPage" />;
}
