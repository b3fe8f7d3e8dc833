import { PageHeader } from '../../../components/page-header.tsx';

export function SurveysPage() {
  return <PageHeader title="SurveysPage" />;
}
