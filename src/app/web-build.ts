// The browser UI is built by Vite from web/ into web/dist (never committed). `npm ci` builds it
// (the `prepare` script); a server that starts without it builds it first (a checkout where the
// install scripts did not run), and the browser tests rebuild it when a source is newer.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when web/dist is missing, or (with `ifStale`) older than a source of web/. */
export function webBuildNeeded(ifStale: boolean): boolean {
  const built = join(WEB_DIST, 'index.html');
  if (!existsSync(built)) return true;
  if (!ifStale) return false;
  const sources = ['src', 'index.html', 'arm.html', 'wallboard.html', 'vite.config.ts'].map((p) =>
    join(WEB_ROOT, p),
  );
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

/** Builds web/dist with Vite in a child process (its memory is not the server's). */
export async function buildWeb(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', join(WEB_ROOT, 'vite.config.ts')], {
    cwd: join(WEB_ROOT, '..'),
  });
}

export async function ensureWebBuilt(options: { ifStale?: boolean } = {}): Promise<void> {
  if (webBuildNeeded(options.ifStale ?? false)) await buildWeb();
}
