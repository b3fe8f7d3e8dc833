import { useDebouncedValue } from '@mantine/hooks';
import { useMemo } from 'react';
import { type PreviewInput, useBroadcastPreview } from '../api/preview-broadcast.ts';
import { type ComposerValues, previewInputOf } from '../components/composer-values.ts';

/**
 * The server's preview of what is being composed, asked again 400 ms after the organizer stops typing. The input is
 * compared as JSON: a new object with the same content does not ask again.
 */
export function useLivePreview(workspaceId: string, values: ComposerValues) {
  const wanted = previewInputOf(values);
  const json = wanted ? JSON.stringify(wanted) : '';
  const [debounced] = useDebouncedValue(json, 400);
  const input = useMemo(() => (debounced ? (JSON.parse(debounced) as PreviewInput) : null), [debounced]);
  const preview = useBroadcastPreview(workspaceId, input);
  return { preview, settling: json !== debounced };
}
