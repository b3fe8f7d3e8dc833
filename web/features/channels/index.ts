// The channel and compliance settings, loaded as one chunk when a person first opens one of those tabs.
export { ChannelsTab } from './components/channels-tab.tsx';
export { ComplianceTab } from './components/compliance-tab.tsx';
