import { parentPort, workerData } from 'node:worker_threads';
import { type ParseSettings, parseSegments } from './import-parse.ts';

// The worker thread of a large import: parses and prepares rows (import-parse.ts) while the job's thread writes the
// batches before them. Protocol (see parseInWorker in import.job.ts):
//   in:  { chunk: ArrayBuffer } … { end: true }
//   out: { drained: true } after each chunk is parsed, { segment } per segment, { done: true } or { error: message }.

if (!parentPort) throw new Error('import-worker.ts runs as a worker thread');
const port = parentPort;
const settings = workerData as ParseSettings;

const inbox: (Buffer | null)[] = [];
let wake: (() => void) | null = null;
port.on('message', (message: { chunk?: ArrayBuffer; end?: boolean }) => {
  inbox.push(message.chunk ? Buffer.from(message.chunk) : null);
  wake?.();
});

async function* chunks(): AsyncGenerator<Buffer> {
  for (;;) {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const next = inbox.shift();
    if (next === null || next === undefined) return;
    yield next;
    port.postMessage({ drained: true });
  }
}

try {
  for await (const segment of parseSegments(chunks(), settings)) port.postMessage({ segment });
  port.postMessage({ done: true });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
