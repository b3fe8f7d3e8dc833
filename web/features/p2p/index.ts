// The p2p screens, loaded as one chunk on first visit.

export { P2pCampaignPage } from './components/p2p-campaign-page.tsx';
export { P2pCampaignsPage } from './components/p2p-campaigns-page.tsx';
export { P2pTexterPage } from './components/p2p-texter-page.tsx';
