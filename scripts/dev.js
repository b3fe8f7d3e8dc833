// npm run dev: the API (node bin/groundswell.js start, port 3000) and the Vite dev server with hot reload,
// side by side. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/groundswell.js', import.meta.url));
const configFile = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('npm run dev needs the development dependencies: run `npm install` (without --omit=dev) first.');
  process.exit(1);
}

// Its own process group, so a Ctrl-C in the terminal reaches it once (forwarded below), not twice.
const api = spawn(process.execPath, [cli, 'start', ...process.argv.slice(2)], { stdio: 'inherit', detached: true });
let server = null;
let stopping = false;

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (api.exitCode === null && api.signalCode === null) {
    api.kill(signal);
    // The API finishes running jobs before it exits; do not wait forever.
    setTimeout(() => api.kill('SIGKILL'), 30_000).unref();
  }
  await server?.close();
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));

api.on('exit', async (code, signal) => {
  if (!stopping) console.error(`\nThe API server stopped (${signal ?? `exit code ${code}`}); stopping the dev server too.`);
  await stop('SIGTERM');
  process.exit(code ?? 0);
});

try {
  server = await vite.createServer({ configFile });
  await server.listen();
} catch (error) {
  console.error('The dashboard dev server did not start:', error instanceof Error ? error.message : error);
  await stop('SIGTERM');
  process.exitCode = 1;
}

// Print the dashboard URL last, once the API answers, so it is not lost above the API's start-up lines.
const port = process.env.PORT ?? '3000';
for (let tries = 0; server && !stopping && tries < 120; tries++) {
  const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
if (server && !stopping) {
  console.log(`\nDashboard with hot reload (open this one; API calls go to port ${port}):`);
  server.printUrls();
  console.log('Press Ctrl-C to stop both.\n');
}
