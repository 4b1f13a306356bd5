/**
 * Jest global teardown: stop only what globalSetup started, so a developer's
 * running stack is left alone and CI leaves nothing running.
 * SLE_KEEP_STACK=1 keeps it running anyway (faster repeated local runs).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const STARTED_KEY = '__SLE_STACK_STARTED__'; // set by globalSetup, same process

export default async function globalTeardown(): Promise<void> {
  if (process.env.SLE_SKIP_STACK === '1') return;
  const started = ((globalThis as Record<string, unknown>)[STARTED_KEY] as string[] | undefined) ?? [];
  if (started.length === 0) return; // it was running before the tests: leave it
  if (process.env.SLE_KEEP_STACK === '1') {
    console.log('\n[stack] SLE_KEEP_STACK=1: leaving the local stack running (scripts/stack.sh down stops it)');
    return;
  }
  const down = spawnSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), 'down', ...started], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (down.status !== 0) throw new Error(`scripts/stack.sh down failed (exit ${down.status ?? down.signal})`);
}
