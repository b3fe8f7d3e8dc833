// Builds the dashboard (web/) into web/dist with Vite.
//   node scripts/build-web.js               always build (npm run build)
//   node scripts/build-web.js --if-missing  build only when web/dist/index.html is absent (npm install's postinstall)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const configFile = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));
const ifMissing = process.argv.includes('--if-missing');

if (ifMissing && existsSync(fileURLToPath(new URL('../web/dist/index.html', import.meta.url)))) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes("'vite'")) {
    console.log(
      'Groundswell: the dashboard was not built (Vite is not installed, e.g. after npm install --omit=dev); ' +
        'build it with `npm install --include=dev && npm run build`, or copy a built web/dist.',
    );
    process.exit(0);
  }
  throw error;
}

const started = performance.now();
try {
  await vite.build({ configFile, logLevel: ifMissing ? 'warn' : 'info', mode: 'production' });
} catch (error) {
  console.error(`Groundswell: the dashboard build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`Groundswell: dashboard built into web/dist in ${seconds} s.`);
