// The import wizard, loaded as its own chunk when a person first opens it.
export { ImportPage } from './components/import-page.tsx';
