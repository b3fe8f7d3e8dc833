import { useRef, useState } from 'react';
import { useCreateBroadcast } from '../api/create-broadcast.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { useUpdateBroadcast } from '../api/update-broadcast.ts';
import { type ComposerValues, toInput } from '../components/composer-values.ts';

/**
 * Saves what is composed: the first save creates the draft, later ones change it. `error` is the last failure,
 * whose field messages the form shows under its fields.
 */
export function useSaveBroadcast(workspaceId: string, broadcastId: number | undefined) {
  const create = useCreateBroadcast(workspaceId);
  const update = useUpdateBroadcast(workspaceId);
  const savedId = useRef(broadcastId);
  const [error, setError] = useState<unknown>(null);

  const save = async (values: ComposerValues): Promise<Broadcast> => {
    setError(null);
    try {
      const input = toInput(values);
      const broadcast =
        savedId.current === undefined
          ? await create.mutateAsync(input)
          : await update.mutateAsync({ broadcastId: String(savedId.current), patch: input });
      savedId.current = broadcast.id;
      return broadcast;
    } catch (failure) {
      setError(failure);
      throw failure;
    }
  };

  return { save, error, isPending: create.isPending || update.isPending, clearError: () => setError(null) };
}
