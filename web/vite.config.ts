import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

// Regex keys, so that `/l` (tracked links) does not also swallow `/login`.
const proxied = ['^/api(/|$)', '^/p/', '^/l/', '^/healthz$', '^/metrics$'];

const packages = (names: string[]) => new RegExp(`node_modules[\\\\/](${names.join('|')})[\\\\/]`);

// Vite requires a default export from its config file.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: in their own chunks they stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: packages(['react', 'react-dom', 'scheduler', 'react-router', 'cookie', 'set-cookie-parser']) },
            {
              name: 'mantine',
              test: packages([
                '@mantine',
                '@floating-ui',
                'react-remove-scroll',
                'react-remove-scroll-bar',
                'react-style-singleton',
                'use-callback-ref',
                'use-sidecar',
                'get-nonce',
                'detect-node-es',
                'react-number-format',
                'react-transition-group',
                'dom-helpers',
                'clsx',
                'tabbable',
                'tslib',
                'type-fest',
              ]),
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api }])),
  },
});
