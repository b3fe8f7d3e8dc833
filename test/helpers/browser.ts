import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';

// What every browser test needs: the dashboard bundle, Debian's Chromium, and screenshots.
//
// The bundle is built once per version of its sources and shared by every browser test file: vitest runs the files in
// parallel processes, so the first one to get here builds (holding a lock directory) and the others wait for it.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules/.cache/groundswell-e2e-web');
const SOURCES = ['web', 'common', 'package-lock.json'];
const STALE_LOCK_MS = 5 * 60_000;
const WAIT_MS = 10 * 60_000;

export const SCREENSHOTS = 'test-results/screenshots';

/** Every file the bundle is made of, hashed (web/dist aside). */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'dist' && name !== 'node_modules') visit(join(path, name));
    } else {
      hash.update(path.slice(ROOT.length)).update(readFileSync(path));
    }
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

/** The folder of a dashboard bundle built from the current sources (WEB_DIST for buildTestApp). */
export async function builtDashboard(): Promise<string> {
  const dir = join(CACHE, sourcesHash());
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  const started = Date.now();
  while (!existsSync(join(dir, 'index.html'))) {
    if (Date.now() - started > WAIT_MS) throw new Error(`the dashboard bundle was not built within ${WAIT_MS / 60_000} minutes`);
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it; a lock left by a process that died is taken over.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const tmp = `${dir}.${process.pid}.tmp`;
      await build({ configFile: join(ROOT, 'web/vite.config.ts'), build: { outDir: tmp, emptyOutDir: true }, logLevel: 'error' });
      renameSync(tmp, dir);
      // Bundles of earlier sources are of no more use.
      for (const name of readdirSync(CACHE))
        if (!dir.endsWith(name) && !name.endsWith('.lock') && !name.endsWith('.tmp'))
          rmSync(join(CACHE, name), { recursive: true, force: true });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A screenshot of the whole page (up to 4,000 px tall) once transitions have settled. */
export async function capture(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 4000) });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}` });
  await page.setViewportSize(size);
}
