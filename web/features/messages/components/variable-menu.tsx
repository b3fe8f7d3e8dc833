import { Button, Code, Menu, Text } from '@mantine/core';
import { IconBraces } from '@tabler/icons-react';

const VARIABLES = [
  { code: '{{ member.first_name | default: "friend" }}', label: 'First name, or “friend”' },
  { code: '{{ member.last_name }}', label: 'Last name' },
  { code: '{{ community.name }}', label: 'Community name' },
  { code: '{{ workspace.name }}', label: 'Organization name' },
] as const;

/** Inserts a personalisation variable (Liquid) where the cursor is. */
export function VariableMenu(props: { onInsert: (code: string) => void }) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <Button variant="subtle" size="compact-sm" leftSection={<IconBraces size={14} />}>
          Insert variable
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {VARIABLES.map((variable) => (
          <Menu.Item key={variable.code} onClick={() => props.onInsert(variable.code)}>
            <Text size="sm">{variable.label}</Text>
            <Code fz="xs">{variable.code}</Code>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
