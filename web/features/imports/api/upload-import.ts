import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, readProblem } from '../../../lib/api-client.ts';
import { getCsrfToken } from '../../../lib/csrf.ts';
import { importSchema } from './get-import.ts';
import { importsKeys } from './keys.ts';

const uploadSchema = z.object({
  import: importSchema,
  headers: z.array(z.string()),
  suggestedMapping: z.record(z.string(), z.string().nullable()),
  /** Columns that look like consent answers; the person confirms them and gives the wording. */
  suggestedConsent: z.object({ smsColumn: z.string().optional(), emailColumn: z.string().optional() }),
  /** The first rows, as cells in column order. */
  sampleRows: z.array(z.array(z.string())),
  encoding: z.string(),
  delimiter: z.string(),
  /** What the server noticed about the file ("3 empty columns were dropped"), as sentences. */
  notes: z.array(z.string()),
});

export type UploadResult = z.infer<typeof uploadSchema>;
export type UploadProgress = { loaded: number; total: number };

/**
 * Sends the file as the raw request body (the browser streams it from disk; nothing is read into memory here).
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 */
function uploadImport(workspaceId: string, file: File, onProgress: (progress: UploadProgress) => void): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/workspaces/${workspaceId}/imports?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onerror = () =>
      reject(new ApiError({ status: 0, code: 'network', detail: 'The upload was interrupted. Check your connection and try again.' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onload = () => {
      const response = new Response(xhr.status === 204 ? null : xhr.responseText, {
        status: xhr.status,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' },
      });
      if (!response.ok) {
        void readProblem(response).then(reject, reject);
        return;
      }
      void response
        .json()
        .then((body: unknown) => {
          const parsed = uploadSchema.safeParse(body);
          if (parsed.success) resolve(parsed.data);
          else {
            console.error('Unexpected answer from the import upload', parsed.error.issues);
            reject(
              new ApiError({
                status: xhr.status,
                code: 'response.invalid',
                detail: 'The server answered the upload in a shape this dashboard does not understand.',
              }),
            );
          }
        })
        .catch(reject);
    };
    xhr.send(file);
  });
}

export function useUploadImport(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { file: File; onProgress: (progress: UploadProgress) => void }) =>
      uploadImport(workspaceId, input.file, input.onProgress),
    onSuccess: (result) => {
      queryClient.setQueryData(importsKeys.detail(workspaceId, String(result.import.id)), result.import);
      return queryClient.invalidateQueries({ queryKey: importsKeys.list(workspaceId) });
    },
  });
}
