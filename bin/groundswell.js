#!/usr/bin/env node
// Groundswell runs its TypeScript sources directly with Node's type stripping
// (docs/decisions/0001-run-typescript-with-node.md).
import { runTypeScript } from '../scripts/run-ts.js';

runTypeScript(new URL('../server/main.ts', import.meta.url), process.argv.slice(2));
