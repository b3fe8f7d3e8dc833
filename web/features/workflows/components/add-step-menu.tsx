import { ActionIcon, Menu, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { STEP_GROUP_LABELS, STEP_KIND_META, STEP_KINDS, type StepGroup, type StepKind } from '../../../../common/workflows.ts';
import { StepIcon } from './step-icon.tsx';

const GROUPS = Object.keys(STEP_GROUP_LABELS) as StepGroup[];

/** The palette: a "+" between two steps that opens the step kinds, grouped as STEP_GROUP_LABELS names them. */
export function AddStepMenu(props: { where: string; onPick: (kind: StepKind) => void }) {
  const label = `Add a step ${props.where}`;
  return (
    <Menu position="right-start" withinPortal shadow="md" width={300}>
      <Menu.Target>
        <ActionIcon variant="default" radius="xl" size="md" aria-label={label} title={label} data-add-step={props.where}>
          <IconPlus size={14} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown mah={420} style={{ overflowY: 'auto' }}>
        {GROUPS.map((group) => (
          <div key={group}>
            <Menu.Label>{STEP_GROUP_LABELS[group]}</Menu.Label>
            {STEP_KINDS.filter((kind) => STEP_KIND_META[kind].group === group).map((kind) => (
              <Menu.Item key={kind} leftSection={<StepIcon kind={kind} />} onClick={() => props.onPick(kind)}>
                <Text size="sm">{STEP_KIND_META[kind].label}</Text>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {STEP_KIND_META[kind].description}
                </Text>
              </Menu.Item>
            ))}
          </div>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
