// `npm run bench -- [names…] [options]`: runs bench/main.ts with Node's type stripping (see scripts/run-ts.js).
import { runTypeScript } from '../scripts/run-ts.js';

runTypeScript(new URL('./main.ts', import.meta.url), process.argv.slice(2));
