import { PageHeader } from '../../../components/page-header.tsx';

export function KeywordsPage() {
  return <PageHeader title="KeywordsPage" />;
}
