import { Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';

export type SectionTab = { value: string; label: string; to: string; icon?: ReactNode };

/** Tabs that are links: the sections of one area (Inbox: conversations, campaigns, saved replies). */
export function SectionTabs(props: { value: string; tabs: readonly SectionTab[] }) {
  const navigate = useNavigate();
  return (
    <Tabs
      value={props.value}
      onChange={(value) => {
        const tab = props.tabs.find((t) => t.value === value);
        if (tab) navigate(tab.to);
      }}
      mb="md"
      keepMounted={false}
    >
      <Tabs.List>
        {props.tabs.map((tab) => (
          <Tabs.Tab key={tab.value} value={tab.value} leftSection={tab.icon}>
            {tab.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}
