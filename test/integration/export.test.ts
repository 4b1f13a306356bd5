/**
 * The main job end to end, on the real local stack: a worker runs against the
 * Temporal dev server and MinIO (S3 + STS); alerts are signalled through the
 * client and land as Parquet files in the lake bucket.
 */
import { execFileSync } from 'node:child_process';
import type { AlertInput } from '../../src/domain/alerts';
import { generateAlerts } from '../../src/samples/policyCatalogAlerts';
import { cloudAlert, iacAlert } from '../support/alertFactory';
import { eventually, LAKE_BUCKET, listKeys, READONLY_BUCKET, readLake, ROLE_ARN, startHarness, type Harness } from '../support/lake';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('export');
});

afterAll(async () => {
  await harness?.stop();
});

/** Creates a configured integration with catch-all rules for both alert types. */
async function integration(label: string, flush: { maxFileBytes?: number; maxFileAgeMs?: number; failedRetryMs?: number }, bucket = LAKE_BUCKET) {
  const name = `${harness.runId}-${label}`;
  const folder = `ext/${name}`;
  await harness.client.createIntegration(name, { flush });
  await harness.client.configure(name, { roleArn: ROLE_ARN, bucket, region: 'us-east-1', folder });
  await harness.client.addRule({ name: `${name}-cloud`, alertType: 'cloud', target: name });
  await harness.client.addRule({ name: `${name}-iac`, alertType: 'iac', target: name });
  return { name, folder };
}

const exportedRows = (name: string) => async () => (await harness.client.status(name)).counters.rowsExported;

describe('export to the lake', () => {
  test('signalled alerts land as Parquet under their partitions with the right row counts', async () => {
    const { name, folder } = await integration('partitions', { maxFileAgeMs: 1500 });
    const alerts: AlertInput[] = [
      ...Array.from({ length: 20 }, (_, i) => cloudAlert({ account_id: '111122223333', region: 'us-east-1', csp_event_timestamp: `2026-11-30T08:${String(i).padStart(2, '0')}:00Z` })),
      ...Array.from({ length: 15 }, () => cloudAlert({ account_id: '444455556666', region: 'eu-west-1', csp_event_timestamp: '2026-12-01T23:59:59.500Z' })),
      ...Array.from({ length: 10 }, () =>
        cloudAlert({ csp: 'azure', account_id: '8f3c2a1e-5b6d-4c7e-9f80-1a2b3c4d5e6f', region: 'westeurope', csp_event_timestamp: '2026-12-02T00:00:00Z' }),
      ),
      ...Array.from({ length: 5 }, () => iacAlert({ alert_created_dt: '2026-12-01T12:00:00Z' })),
    ];
    const report = await harness.client.publish(alerts);
    expect(report.rejected).toEqual([]);
    expect(report.sent[name]).toBe(alerts.length);

    // Nothing is posted before maxFileAge; then every row arrives.
    expect(await exportedRows(name)()).toBe(0);
    const exported = await eventually(exportedRows(name), (rows) => rows === alerts.length);
    expect(exported).toBe(alerts.length);

    const rows = await readLake(LAKE_BUCKET, `${folder}/`);
    const countsByPartition: Record<string, number> = {};
    for (const row of rows) {
      const match = /^ext\/[^/]+\/(region=[a-z0-9-]+\/accountId=[a-z0-9-]+\/eventDay=\d{8})\/[0-9a-f-]+-\d+\.parquet$/.exec(row.key);
      expect(match).not.toBeNull();
      countsByPartition[match![1]] = (countsByPartition[match![1]] ?? 0) + 1;
    }
    expect(countsByPartition).toEqual({
      'region=us-east-1/accountId=111122223333/eventDay=20261130': 20,
      'region=eu-west-1/accountId=444455556666/eventDay=20261201': 15,
      'region=westeurope/accountId=8f3c2a1e-5b6d-4c7e-9f80-1a2b3c4d5e6f/eventDay=20261202': 10,
      // IaC alerts go under the lake's own region and the role's account.
      'region=us-east-1/accountId=123456789012/eventDay=20261201': 5,
    });
    expect(new Set(rows.map((row) => row.uid)).size).toBe(alerts.length);
    expect((await listKeys(LAKE_BUCKET, `${folder}/`)).every((key) => key.endsWith('.parquet'))).toBe(true);

    const status = await harness.client.status(name);
    expect(status.status).toBe('Success');
    expect(status.pending.alerts).toBe(0);

    // Rows inside each file are sorted by time.
    const byFile = new Map<string, bigint[]>();
    for (const row of rows) byFile.set(row.key, [...(byFile.get(row.key) ?? []), row.time]);
    for (const times of byFile.values()) expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // The Web UI / CLI visibility: status as a search attribute.
    const listed = await eventually(
      async () => {
        const found: string[] = [];
        for await (const execution of harness.client.temporal.workflow.list({ query: `IntegrationName = '${name}' AND ExportStatus = 'Success'` })) {
          found.push(execution.workflowId);
        }
        return found;
      },
      (found) => found.length === 1,
      15_000,
    );
    expect(listed).toHaveLength(1);
    const cli = execFileSync('temporal', ['workflow', 'list', '--address', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', '--query', `IntegrationName = '${name}' AND ExportStatus = 'Success'`], { encoding: 'utf8' });
    expect(cli).toContain(name);
  });

  test('a small maxFileBytes rolls one partition into several files, no row lost or duplicated', async () => {
    const { name, folder } = await integration('rolling', { maxFileBytes: 4096, maxFileAgeMs: 60_000 });
    const alerts = Array.from({ length: 400 }, (_, i) =>
      cloudAlert({ csp_event_timestamp: new Date(Date.UTC(2026, 10, 30, 8, 0, i)).toISOString(), alert_description: `finding ${i} ${'x'.repeat(200)}` }),
    );
    await harness.client.publish(alerts);
    // The size rule alone may already post files; flush-now posts whatever is left.
    await harness.client.flushNow(name);
    const status = await harness.client.status(name);
    expect(status.counters.rowsExported).toBe(400);
    expect(status.pending.alerts).toBe(0);
    const rows = await readLake(LAKE_BUCKET, `${folder}/`);
    expect(rows).toHaveLength(400);
    expect(new Set(rows.map((row) => row.uid)).size).toBe(400);
    const files = new Set(rows.map((row) => row.key));
    expect(files.size).toBeGreaterThan(1);
    expect(files.size).toBe(status.counters.filesExported);
  });

  test('a short maxFileAge posts the file without any flush request', async () => {
    const { name, folder } = await integration('age', { maxFileAgeMs: 500 });
    await harness.client.publish([cloudAlert(), cloudAlert()]);
    await eventually(exportedRows(name), (rows) => rows === 2, 20_000);
    expect(await readLake(LAKE_BUCKET, `${folder}/`)).toHaveLength(2);
  });

  test('a bucket the role may not write to: Failed with the denied action, data kept, then exported once after reconfiguring', async () => {
    const { name, folder } = await integration('denied', { maxFileAgeMs: 60_000, failedRetryMs: 3_600_000 }, READONLY_BUCKET);
    const alerts = Array.from({ length: 30 }, () => cloudAlert());
    await harness.client.publish(alerts);
    const failed = await harness.client.flushNow(name);
    expect(failed.status).toBe('Failed');
    expect(failed.statusReason).toMatch(/AccessDenied/);
    expect(failed.statusReason).toMatch(/s3:PutObject/);
    expect(failed.pendingRows).toBe(30);
    const status = await harness.client.status(name);
    expect(status.status).toBe('Failed');
    expect(status.counters.rowsExported).toBe(0);
    expect(await listKeys(READONLY_BUCKET, `${folder}/`)).toEqual([]);

    // More alerts arrive while Failed: kept too.
    await harness.client.publish([cloudAlert(), cloudAlert()]);

    await harness.client.configure(name, { roleArn: ROLE_ARN, bucket: LAKE_BUCKET, region: 'us-east-1', folder });
    await harness.client.flushNow(name);
    const recovered = await eventually(() => harness.client.status(name), (s) => s.status === 'Success' && s.pending.alerts === 0, 30_000);
    expect(recovered.status).toBe('Success');
    expect(recovered.counters.rowsExported).toBe(32);
    const rows = await readLake(LAKE_BUCKET, `${folder}/`);
    expect(rows).toHaveLength(32);
    expect(new Set(rows.map((row) => row.uid)).size).toBe(32);
  });

  test('a batch mixing valid and invalid alerts exports the valid ones and rejects each invalid one by field', async () => {
    const { name, folder } = await integration('mixed', { maxFileAgeMs: 60_000 });
    const good = [cloudAlert(), iacAlert(), cloudAlert()];
    const bad = [
      cloudAlert({ risk: 'severe' }),
      cloudAlert({ account_id: '../../etc' }),
      iacAlert({ alert_created_dt: 'yesterday', scan_plugin: 'pulumi' }),
    ];
    const report = await harness.client.publish([good[0], bad[0], good[1], bad[1], bad[2], good[2]]);
    expect(report.sent[name]).toBe(3);
    expect(report.rejected.map((rejection) => rejection.index)).toEqual([1, 3, 4]);
    expect(report.rejected[0].errors.join()).toMatch(/^risk: /);
    expect(report.rejected[1].errors.join()).toMatch(/account_id: /);
    expect(report.rejected[2].errors.join('\n')).toMatch(/alert_created_dt: /);
    expect(report.rejected[2].errors.join('\n')).toMatch(/scan_plugin: /);

    // The workflow does not trust the wire: a raw signal with bad alerts is checked again.
    const handle = harness.client.temporal.workflow.getHandle(`security-lake-integration:${name}`);
    await handle.signal('alerts', { batchId: 'raw-1', alerts: [cloudAlert(), { alert_type: 'cloud', alert_id: 'broken-1' }] });
    const summary = await harness.client.flushNow(name);
    expect(summary.rows).toBe(4);
    const status = await harness.client.status(name);
    expect(status.counters.alertsRejected).toBe(1);
    expect(status.recentRejections[0].alertId).toBe('broken-1');
    expect(status.recentRejections[0].errors.join('\n')).toMatch(/risk: /);
    expect(await readLake(LAKE_BUCKET, `${folder}/`)).toHaveLength(4);

    // The same batch signalled again is ignored, not exported twice.
    await handle.signal('alerts', { batchId: 'raw-1', alerts: [cloudAlert()] });
    await harness.client.flushNow(name);
    expect((await harness.client.status(name)).counters.duplicateBatches).toBe(1);
    expect(await readLake(LAKE_BUCKET, `${folder}/`)).toHaveLength(4);
  });

  test('a long-lived integration continues as new when Temporal suggests it, losing and duplicating nothing', async () => {
    const { name, folder } = await integration('can', { maxFileAgeMs: 400 });
    const handle = harness.client.temporal.workflow.getHandle(`security-lake-integration:${name}`);
    const firstRun = (await handle.describe()).runId;
    await handle.signal('alerts', { batchId: 'before-continue-as-new', alerts: [cloudAlert({ alert_id: 'can-first' })] });
    // Many small batches with flushes in between grow the history past the
    // dev server's suggestion threshold (scripts/stack.sh: 400 events).
    const published: string[] = ['can-first'];
    for (let round = 0; round < 60; round += 1) {
      const batch = Array.from({ length: 5 }, (_, i) => cloudAlert({ alert_id: `can-${round}-${i}` }));
      published.push(...batch.map((alert) => alert.alert_id));
      await harness.client.publish(batch);
      if (round % 4 === 3) await harness.client.flushNow(name);
    }
    await harness.client.flushNow(name);
    const status = await eventually(() => harness.client.status(name), (s) => s.counters.rowsExported === published.length, 30_000);
    expect(status.counters.rowsExported).toBe(published.length);
    expect(status.counters.alertsAccepted).toBe(published.length);
    expect((await handle.describe()).runId).not.toBe(firstRun);
    const rows = await readLake(LAKE_BUCKET, `${folder}/`);
    expect(rows.map((row) => row.uid).sort()).toEqual([...published].sort());
    // Rules and the dedupe memory survived into the new run: the same batch is still ignored.
    expect(await harness.client.listRules(name)).toHaveLength(2);
    await handle.signal('alerts', { batchId: 'before-continue-as-new', alerts: [cloudAlert({ alert_id: 'can-first' })] });
    await harness.client.flushNow(name);
    const after = await harness.client.status(name);
    expect(after.counters.duplicateBatches).toBe(1);
    expect(after.counters.rowsExported).toBe(published.length);
  });

  test('a burst far larger than one payload is staged in slices and carried across continue-as-new', async () => {
    const { name, folder } = await integration('burst', { maxFileAgeMs: 2_000 });
    const handle = harness.client.temporal.workflow.getHandle(`security-lake-integration:${name}`);
    const firstRun = (await handle.describe()).runId;
    // ~6 MB of realistic alerts in a dozen signals: more than Temporal takes in one payload (2 MB).
    const alerts = generateAlerts({ count: 5000, seed: 'burst', days: { from: '2026-11-29', count: 2 } });
    const report = await harness.client.publish(alerts);
    expect(report.sent[name]).toBe(5000);
    const status = await eventually(() => harness.client.status(name), (s) => s.counters.rowsExported === 5000 && s.pending.alerts === 0, 90_000, 1000);
    expect(status.counters.rowsExported).toBe(5000);
    // Over 4 MB of history: Temporal suggests continue-as-new, and the workflow follows once its buffer is staged.
    const runId = await eventually(async () => (await handle.describe()).runId, (id) => id !== firstRun, 20_000, 500);
    expect(runId).not.toBe(firstRun);
    expect((await harness.client.status(name)).counters.rowsExported).toBe(5000);
    const rows = await readLake(LAKE_BUCKET, `${folder}/`);
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((row) => row.uid)).size).toBe(5000);
  });

  test('a second create of the same name is refused clearly', async () => {
    const name = `${harness.runId}-dup`;
    const created = await harness.client.createIntegration(name);
    expect(created.externalId.length).toBeGreaterThanOrEqual(32);
    await expect(harness.client.createIntegration(name)).rejects.toThrow(`integration '${name}' already exists`);
  });
});
