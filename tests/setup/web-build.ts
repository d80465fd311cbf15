// Once per test run, before any worker starts: the browser tests serve web/dist, so it is rebuilt
// here when a source of web/ is newer (an edited UI is never tested stale). One build for the
// whole run: parallel test files must not rebuild the same folder at once.
import { ensureWebBuilt } from '../../src/app/web-build.js';

export default async function setup(): Promise<void> {
  await ensureWebBuilt({ ifStale: true });
}
