// The surveys screens, loaded as one chunk on first visit.

export { SurveyPage } from './components/survey-page.tsx';
export { SurveysPage } from './components/surveys-page.tsx';
