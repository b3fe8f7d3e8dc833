import { ActionIcon, Button, Group, Menu, Tabs, Text, Tooltip } from '@mantine/core';
import { IconLanguage, IconPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import type { Channel } from '../api/list-broadcasts.ts';
import { languageName, MESSAGE_LANGUAGES } from './display.ts';
import { TemplateField } from './template-field.tsx';

/**
 * One version of the message per language: members whose language has a version get it, everyone else gets the
 * default language's.
 */
export function MessageEditor(props: {
  channel: Channel;
  defaultLanguage: string;
  templates: Record<string, string>;
  onChange: (templates: Record<string, string>) => void;
  errorOf: (language: string) => string | undefined;
}) {
  const languages = Object.keys(props.templates);
  const [active, setActive] = useState(props.defaultLanguage);
  const current = languages.includes(active) ? active : props.defaultLanguage;
  const addable = MESSAGE_LANGUAGES.filter((code) => !languages.includes(code));

  const add = (code: string) => {
    props.onChange({ ...props.templates, [code]: '' });
    setActive(code);
  };
  const remove = (code: string) => {
    const { [code]: _removed, ...rest } = props.templates;
    props.onChange(rest);
    setActive(props.defaultLanguage);
  };

  return (
    <Tabs value={current} onChange={(value) => value && setActive(value)} keepMounted={false}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {languages.map((code) => (
            <Tabs.Tab
              key={code}
              value={code}
              color={props.errorOf(code) ? 'red' : undefined}
              rightSection={
                code === props.defaultLanguage ? (
                  <Text size="xs" c="dimmed">
                    default
                  </Text>
                ) : (
                  <Tooltip label={`Remove the ${languageName(code)} version`} withArrow>
                    <ActionIcon
                      component="span"
                      size="xs"
                      variant="subtle"
                      color="gray"
                      aria-label={`Remove ${languageName(code)}`}
                      onClick={(event) => {
                        event.stopPropagation();
                        remove(code);
                      }}
                    >
                      <IconX size={12} />
                    </ActionIcon>
                  </Tooltip>
                )
              }
            >
              {languageName(code)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {addable.length > 0 && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} rightSection={<IconLanguage size={14} />}>
                Add language
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {addable.map((code) => (
                <Menu.Item key={code} onClick={() => add(code)}>
                  {languageName(code)} ({code})
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      {languages.map((code) => (
        <Tabs.Panel key={code} value={code} pt="sm">
          <TemplateField
            language={code}
            languageLabel={languageName(code)}
            channel={props.channel}
            value={props.templates[code] ?? ''}
            onChange={(text) => props.onChange({ ...props.templates, [code]: text })}
            error={props.errorOf(code)}
            required={code === props.defaultLanguage}
          />
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
