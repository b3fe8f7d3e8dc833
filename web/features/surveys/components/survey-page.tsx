import { PageHeader } from '../../../components/page-header.tsx';

export function SurveyPage() {
  return <PageHeader title="SurveyPage" />;
}
