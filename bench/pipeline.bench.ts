/**
 * CPU cost of the per-alert path (`npm run bench`): what the client and the
 * workflow spend validating alerts (zod), and what the stageAlerts activity
 * spends mapping them to OCSF, validating every row against the OCSF class and
 * compressing the staged chunk. Each stage is reported with its ratio to a
 * baseline measured in the same process on the same alerts: one
 * JSON.stringify + JSON.parse round trip, the least any step must do.
 * Figures only: nothing is asserted.
 *
 * Options (environment): BENCH_ALERTS (default 20000), BENCH_REPEAT (default 3, fastest kept).
 */
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { validateAlerts, type Alert } from '../src/domain/alerts';
import { toSecurityFinding, type MappingContext } from '../src/domain/ocsf/mapping';
import { validateSecurityFinding } from '../src/domain/ocsf/validate';
import { generateAlerts } from '../src/samples/policyCatalogAlerts';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

const context: MappingContext = {
  product: { name: 'Posture Guard', vendorName: 'Security Lake Exporter', version: '0.1.0' },
  lake: { region: 'us-east-1', accountId: '123456789012' },
};

interface Stage {
  name: string;
  run(alerts: readonly Alert[]): unknown;
}

const stages: Stage[] = [
  { name: 'baseline: JSON round trip', run: (alerts) => JSON.parse(JSON.stringify(alerts)) },
  { name: 'zod: validate alerts', run: (alerts) => validateAlerts(alerts) },
  { name: 'OCSF: map', run: (alerts) => alerts.map((alert) => toSecurityFinding(alert, context)) },
  {
    name: 'OCSF: map + validate rows',
    run: (alerts) => alerts.map((alert) => validateSecurityFinding(toSecurityFinding(alert, context))),
  },
  {
    name: 'stageAlerts CPU (map, validate, sort, gzip)',
    run: (alerts) => {
      const rows = alerts.map((alert) => toSecurityFinding(alert, context)).filter((row) => validateSecurityFinding(row).length === 0);
      rows.sort((a, b) => a.time - b.time);
      return gzipSync(rows.map((row) => JSON.stringify(row)).join('\n'));
    },
  },
];

function measure(stage: Stage, alerts: readonly Alert[]): { seconds: number; heapDeltaMb: number } {
  let best = Infinity;
  let heapDelta = 0;
  for (let attempt = 0; attempt < REPEAT; attempt += 1) {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const result = stage.run(alerts);
    const seconds = (performance.now() - started) / 1000;
    heapDelta = Math.max(heapDelta, process.memoryUsage().heapUsed - heapBefore);
    if (result === undefined) throw new Error('stage returned nothing');
    best = Math.min(best, seconds);
  }
  return { seconds: best, heapDeltaMb: heapDelta / 1024 / 1024 };
}

function main(): void {
  const alerts = generateAlerts({ count: ALERTS, seed: 'bench', days: { from: '2026-11-29', count: 3 } });
  const inputMb = Buffer.byteLength(JSON.stringify(alerts)) / 1024 / 1024;
  console.log(`pipeline benchmark: ${ALERTS} catalog alerts (${inputMb.toFixed(1)} MB as JSON), fastest of ${REPEAT}, node ${process.version}`);
  // Warm up every stage (JIT, schema compilation) on a slice first.
  for (const stage of stages) stage.run(alerts.slice(0, 500));
  const baseline = measure(stages[0], alerts);
  console.log(`${'stage'.padEnd(46)} ${'alerts/s'.padStart(10)} ${'MB/s'.padStart(8)} ${'x baseline'.padStart(11)} ${'heap +MB'.padStart(9)}`);
  for (const stage of stages) {
    const result = stage === stages[0] ? baseline : measure(stage, alerts);
    console.log(
      `${stage.name.padEnd(46)} ${Math.round(ALERTS / result.seconds).toString().padStart(10)} ${(inputMb / result.seconds).toFixed(1).padStart(8)} ${(result.seconds / baseline.seconds).toFixed(2).padStart(11)} ${result.heapDeltaMb.toFixed(0).padStart(9)}`,
    );
  }
  console.log('(x baseline: time relative to a JSON round trip of the same alerts; lower is cheaper)');
}

main();
