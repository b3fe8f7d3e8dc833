import { PageHeader } from '../../../components/page-header.tsx';

export function P2pTexterPage() {
  return <PageHeader title="P2pTexterPage" />;
}
