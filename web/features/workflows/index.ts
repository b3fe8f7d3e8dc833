// The workflow screens, loaded as one chunk when a person first opens Messages → Workflows.
export { WorkflowBuilderPage } from './components/builder-page.tsx';
export { WorkflowReportPage } from './components/report-page.tsx';
export { WorkflowsPage } from './components/workflows-page.tsx';
