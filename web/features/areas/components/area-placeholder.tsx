import { EmptyState, Paper } from '@mantine/core';
import { PageHeader } from '../../../components/page-header.tsx';
import type { Area } from '../areas.ts';

/** The empty state of an area that is not built yet: what it will hold, and no made-up data. */
export function AreaPlaceholder(props: { area: Area }) {
  const { area } = props;
  const Icon = area.icon;
  return (
    <>
      <PageHeader title={area.label} />
      <Paper withBorder radius="md" py={48} px="md">
        <EmptyState
          icon={<Icon size={28} stroke={1.6} />}
          variant="light"
          color="teal"
          title={`${area.label} is on its way`}
          description={`${area.label}: ${area.description.charAt(0).toLowerCase()}${area.description.slice(1)}`}
          maw={480}
          mx="auto"
        />
      </Paper>
    </>
  );
}
