import { Alert, Button, Group, Paper, Progress, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { type ChangeEvent, type DragEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { type UploadProgress, useUploadImport } from '../api/upload-import.ts';
import { formatBytes } from './import-display.tsx';

/** Step 1: pick or drop a CSV file; it is uploaded at once, with a progress bar. */
export function UploadStep() {
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const upload = useUploadImport(workspaceId);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [dragging, setDragging] = useState(false);
  const [wrongType, setWrongType] = useState<string | null>(null);

  const send = (chosen: File) => {
    if (!/\.(csv|txt|tsv)$/i.test(chosen.name) && !chosen.type.includes('csv') && chosen.type !== 'text/plain') {
      setWrongType(`${chosen.name} is not a CSV file. Save the spreadsheet as CSV (comma-separated values) and choose that file.`);
      return;
    }
    setWrongType(null);
    setFile(chosen);
    setProgress({ loaded: 0, total: chosen.size });
    upload.mutate(
      { file: chosen, onProgress: setProgress },
      // The upload's answer carries sample rows for the mapping step; it travels in the history entry.
      { onSuccess: (result) => navigate(String(result.import.id), { state: { upload: result } }) },
    );
  };

  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (chosen) send(chosen);
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const chosen = event.dataTransfer.files[0];
    if (chosen && !upload.isPending) send(chosen);
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <Stack>
      <Paper
        component="label"
        withBorder
        radius="md"
        p="xl"
        onDragOver={(event: DragEvent<HTMLElement>) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: dragging ? 'var(--mantine-color-teal-5)' : undefined,
          background: dragging ? 'var(--mantine-color-teal-0)' : 'var(--mantine-color-body)',
          cursor: upload.isPending ? 'progress' : 'pointer',
          transition: 'background 120ms, border-color 120ms',
        }}
      >
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-label="CSV file"
          onChange={onChange}
          disabled={upload.isPending}
          style={{ position: 'absolute', width: 1, height: 1, opacity: 0, overflow: 'hidden' }}
        />
        <Stack align="center" gap="xs">
          <ThemeIcon size={52} radius="xl" variant="light" color="teal">
            {upload.isPending ? <IconFileSpreadsheet size={28} /> : <IconUpload size={28} />}
          </ThemeIcon>
          {upload.isPending && file ? (
            <>
              <Text fw={600}>Uploading {file.name}…</Text>
              <Progress value={percent} w="100%" maw={420} size="lg" striped animated aria-label="Upload progress" />
              <Text size="sm" c="dimmed">
                {formatBytes(progress?.loaded ?? 0)} of {formatBytes(file.size)} ({percent}%)
              </Text>
            </>
          ) : (
            <>
              <Text fw={600} ta="center">
                Drop a CSV file here, or click to choose one
              </Text>
              <Text size="sm" c="dimmed" ta="center" maw={520}>
                One row per person, with a header row. Exports from Action Network, EveryAction, Mailchimp or a spreadsheet saved as CSV all
                work; you match the columns in the next step.
              </Text>
              <Button variant="light" mt="xs" component="span" leftSection={<IconFileSpreadsheet size={16} />}>
                Choose file
              </Button>
            </>
          )}
        </Stack>
      </Paper>
      {wrongType && (
        <Alert color="red" variant="light" role="alert">
          {wrongType}
        </Alert>
      )}
      {upload.isError && (
        <Alert color="red" variant="light" role="alert" title="The file was not uploaded">
          <Group justify="space-between" gap="xs">
            <Text size="sm">{errorDetail(upload.error)}</Text>
            {file && (
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => send(file)}>
                Try again
              </Button>
            )}
          </Group>
        </Alert>
      )}
    </Stack>
  );
}
