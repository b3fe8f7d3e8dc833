// Starts a TypeScript entry file with Node's built-in type stripping. Node 22.18+ strips
// types by default; older 22.x releases need the flag, so the file is re-run with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

export function runTypeScript(entry, args) {
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(
      `Groundswell needs Node.js 22.12 or newer; this is ${process.versions.node}.\n` +
        'Install Node 24 (see README, "Node.js") and run the command again.',
    );
    process.exit(1);
  }
  const file = fileURLToPath(entry);
  if (process.features.typescript) {
    import(entry.href).catch((error) => {
      console.error(error);
      process.exit(1);
    });
    return;
  }
  const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', file, ...args], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
