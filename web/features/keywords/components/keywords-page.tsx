import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { MessagesTabs } from '../../../components/messages-tabs.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatPhone } from '../../../lib/phone.ts';
import { useTextingNumber } from '../api/get-texting-number.ts';
import { type Keyword, useKeywords } from '../api/list-keywords.ts';
import { KeywordModal } from './keyword-modal.tsx';
import { KeywordsTable } from './keywords-table.tsx';

/** /messages/keywords: the words members text in, what each does, and how often it was used. */
export function KeywordsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const keywords = useKeywords(workspaceId);
  const number = useTextingNumber(workspaceId);
  // undefined: closed; null: a new keyword; a keyword: editing it.
  const [editing, setEditing] = useState<Keyword | null | undefined>(undefined);

  if (!can('messaging.read')) return <NoAccess>Your role does not include messaging.</NoAccess>;
  const address = number.data?.address ?? null;

  return (
    <>
      <PageHeader
        title="Messages"
        description={
          address
            ? `Keywords members text to ${formatPhone(address)}: join a community, start a survey, get a link or an answer.`
            : 'Keywords members text to your number: join a community, start a survey, get a link or an answer.'
        }
        actions={
          can('keywords.manage') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
              New keyword
            </Button>
          )
        }
      />
      <MessagesTabs workspaceId={workspaceId} value="keywords" simulator={number.data?.simulated === true && can('simulator.use')} />
      <QueryView query={keywords} errorTitle="Could not load the keywords">
        {(list) => <KeywordsTable keywords={list} number={address} onNew={() => setEditing(null)} onEdit={setEditing} />}
      </QueryView>
      <KeywordModal opened={editing !== undefined} onClose={() => setEditing(undefined)} {...(editing ? { keyword: editing } : {})} />
    </>
  );
}
