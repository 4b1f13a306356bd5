/**
 * Jest global setup: bring up the embedded local stack (Temporal dev server +
 * MinIO) with scripts/stack.sh and point the tests at it through process.env,
 * which test workers inherit. Set SLE_SKIP_STACK=1 for pure unit-test runs.
 *
 * A stack that was already running (a developer's `npm run stack up`) is used
 * as is and left running; whatever this setup starts, globalTeardown stops.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const STACK_SH = path.join(ROOT, 'scripts', 'stack.sh');
const COMPONENTS = ['temporal', 'minio'];
/** Read by globalTeardown (same process): the components this setup started. */
export const STARTED_KEY = '__SLE_STACK_STARTED__';

function stack(args: string[], inherit = false) {
  return spawnSync('bash', [STACK_SH, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // Progress (and first-time tool builds) show on the terminal; never read stdin (CI has none).
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
}

/** Components `stack.sh status` reports as running ("<name> running ..."). */
function runningComponents(): string[] {
  const out = stack(['status']).stdout ?? '';
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[1] === 'running')
    .map((words) => words[0]);
}

/**
 * Apply `stack.sh env` to process.env. A real shell evaluates it, so quoting and
 * `$PATH` expansion behave exactly as for `eval "$(scripts/stack.sh env)"`;
 * only the variables the script names are copied back (or deleted if unset).
 */
function loadStackEnv(): void {
  const script = stack(['env']);
  if (script.status !== 0) throw new Error(`stack.sh env failed: ${script.stderr}`);
  const names = new Set<string>();
  for (const line of script.stdout.split('\n')) {
    const match = /^\s*(export|unset)\s+(.+)$/.exec(line);
    if (!match) continue;
    const words = match[1] === 'export' ? [match[2].split('=')[0]] : match[2].split(/\s+/);
    words.filter((w) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(w)).forEach((w) => names.add(w));
  }
  const evaluated = spawnSync('bash', ['-c', 'eval "$1" && env -0', 'bash', script.stdout], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (evaluated.status !== 0) throw new Error(`evaluating stack.sh env failed: ${evaluated.stderr}`);
  const after = new Map<string, string>();
  for (const entry of evaluated.stdout.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) after.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const name of names) {
    const value = after.get(name);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.SLE_SKIP_STACK === '1') {
    console.log('\n[stack] SLE_SKIP_STACK=1: not starting the local stack');
    return;
  }
  const before = runningComponents();
  const startedNow = COMPONENTS.filter((c) => !before.includes(c));
  console.log(
    before.length === COMPONENTS.length
      ? '\n[stack] using the local stack that is already running'
      : '\n[stack] starting the local stack (scripts/stack.sh up)',
  );
  const up = stack(['up'], true);
  if (up.status !== 0) {
    // Jest skips globalTeardown when setup throws: clean up here.
    if (startedNow.length > 0) stack(['down', ...startedNow], true);
    throw new Error(`scripts/stack.sh up failed (exit ${up.status ?? up.signal}); see the output above`);
  }
  (globalThis as Record<string, unknown>)[STARTED_KEY] = startedNow;
  loadStackEnv();
}
