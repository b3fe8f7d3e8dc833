import { Badge, Box, Button, Group, Stack, Text } from '@mantine/core';
import { IconArrowBackUp, IconCircleX, IconPlayerStopFilled } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { InsertPoint } from '../definition.ts';
import type { FlowExit, FlowLayout, FlowNode, FlowTarget } from '../flow.ts';

/** What the flow needs from the screen drawing it: the builder adds "add a step" buttons, the report adds counts. */
export type FlowRenderers = {
  /** The card of a step. */
  step: (node: FlowNode) => ReactNode;
  /** A step's name, for the "go to" links. */
  title: (id: string) => string;
  /** Next to an exit's label (the report's count). */
  exitBadge?: (stepId: string, exit: FlowExit) => ReactNode;
  /** Between a step and what follows an exit (the builder's palette). */
  insert?: (point: InsertPoint, where: string) => ReactNode;
  /** A "go to step X" link was followed. */
  goto: (id: string) => void;
};

const Connector = () => <Box w={2} h={14} bg="gray.4" aria-hidden />;

/**
 * The steps as a vertical flow: each step's card, then its way out; a step with several exits opens side-by-side
 * lanes, each headed by its exit's label. Wide flows scroll sideways inside their box.
 */
export function StepFlow(props: { layout: FlowLayout; start: ReactNode; renderers: FlowRenderers }) {
  const { layout, renderers } = props;
  return (
    <Box style={{ overflowX: 'auto' }} pb="md">
      <Stack gap={0} align="center" miw="min-content" px="md" data-flow>
        {props.start}
        <Connector />
        {renderers.insert?.({ first: true }, 'before the first step')}
        {renderers.insert && <Connector />}
        {layout.start && <Node node={layout.start} renderers={renderers} />}
      </Stack>
      {layout.detached.length > 0 && (
        <Stack mt="xl" gap="xs" role="group" aria-label="Steps not connected">
          <Text size="sm" fw={600} c="orange.8">
            Not connected to the first step
          </Text>
          <Text size="xs" c="dimmed">
            No run can reach these steps. Point an exit at them, or delete them.
          </Text>
          <Group align="flex-start" gap="xl" wrap="nowrap" style={{ overflowX: 'auto' }}>
            {layout.detached.map((node) => (
              <Stack key={node.id} gap={0} align="center">
                <Node node={node} renderers={renderers} />
              </Stack>
            ))}
          </Group>
        </Stack>
      )}
    </Box>
  );
}

function Node(props: { node: FlowNode; renderers: FlowRenderers }) {
  const { node, renderers } = props;
  const [only] = node.exits;
  const single = node.exits.length === 1 && only?.exit.key === 'next';
  return (
    <>
      {renderers.step(node)}
      {single && only ? (
        <ExitPath stepId={node.id} exit={only.exit} target={only.target} renderers={renderers} />
      ) : (
        node.exits.length > 0 && (
          <Group align="flex-start" wrap="nowrap" gap="lg" mt={0}>
            {node.exits.map(({ exit, target }) => (
              <Stack
                key={exit.key}
                gap={0}
                align="center"
                role="group"
                aria-label={`Step ${node.number}, ${exit.label}`}
                data-lane={exit.key}
                style={{ flexShrink: 0 }}
              >
                <Connector />
                <Group gap={4} wrap="nowrap">
                  <Badge variant="light" color="gray" tt="none" size="lg" radius="sm" style={{ flexShrink: 0 }}>
                    {exit.label}
                  </Badge>
                  {renderers.exitBadge?.(node.id, exit)}
                </Group>
                <ExitPath stepId={node.id} exit={exit} target={target} renderers={renderers} />
              </Stack>
            ))}
          </Group>
        )
      )}
    </>
  );
}

function ExitPath(props: { stepId: string; exit: FlowExit; target: FlowTarget; renderers: FlowRenderers }) {
  const { stepId, exit, target, renderers } = props;
  return (
    <>
      <Connector />
      {renderers.insert?.({ after: stepId, exit: exit.key }, exit.key === 'next' ? `after ${renderers.title(stepId)}` : `on ${exit.label}`)}
      {renderers.insert && <Connector />}
      {target.type === 'step' && <Node node={target.node} renderers={renderers} />}
      {target.type === 'goto' && (
        <Button
          variant="light"
          size="compact-sm"
          leftSection={<IconArrowBackUp size={14} />}
          onClick={() => renderers.goto(target.id)}
          data-goto={target.id}
        >
          Go to {renderers.title(target.id)}
        </Button>
      )}
      {target.type === 'end' && (
        <Group gap={4} c="dimmed" data-end>
          <IconPlayerStopFilled size={12} aria-hidden />
          <Text size="xs">End</Text>
        </Group>
      )}
      {target.type === 'missing' && (
        <Group gap={4} c="red" data-missing={target.id}>
          <IconCircleX size={14} aria-hidden />
          <Text size="xs">No step “{target.id}”</Text>
        </Group>
      )}
    </>
  );
}
