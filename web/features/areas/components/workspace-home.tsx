import { Card, Group, SimpleGrid, Text, ThemeIcon } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { AREAS } from '../areas.ts';

/** The landing screen of a workspace: the areas and what each is for. */
export function WorkspaceHome() {
  const { workspace } = useCurrentWorkspace();
  return (
    <>
      <PageHeader title={workspace.name} description="Everything this workspace does, one area at a time." />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {AREAS.map((area) => (
          <Card key={area.path} component={Link} to={area.path} withBorder radius="md" padding="lg">
            <Group gap="sm" mb="xs" wrap="nowrap">
              <ThemeIcon variant="light" color="teal" size="lg" radius="md">
                <area.icon size={20} />
              </ThemeIcon>
              <Text fw={600}>{area.label}</Text>
            </Group>
            <Text size="sm" c="dimmed">
              {area.description}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </>
  );
}
