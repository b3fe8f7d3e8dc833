import { ActionIcon, Code, CopyButton, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** The HTML an organization pastes into its website to show an action's form (the page's compact `?embed=1` variant). */
function embedCode(url: string, title: string): string {
  const src = `${url}${url.includes('?') ? '&' : '?'}embed=1`;
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="720" style="border:0;max-width:34rem" loading="lazy"></iframe>`;
}

/** "Embed on your website": the iframe snippet of an action's public page, with a copy button. */
export function EmbedSnippet(props: { url: string; title: string; published: boolean }) {
  const code = embedCode(props.url, props.title);
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="xs">
        <Text fw={600}>Embed on your website</Text>
        <Text size="sm" c="dimmed">
          Paste this where the form should appear. It shows the page without its outer margins and stays on your site while people fill it
          in.{props.published ? '' : ' It works once the action is published.'}
        </Text>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="embed-code">
            {code}
          </Code>
          <CopyButton value={code} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                <ActionIcon variant="light" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy the embed code" size="lg">
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Paper>
  );
}
