/**
 * The demo's driver (run by scripts/demo.sh with the stack up and a worker
 * running): sets up an integration the way a user would, publishes a
 * realistic alert stream built from the real policy catalog, lets the flush
 * policy post the files, and proves what landed reads back through DuckDB.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ExporterClient } from '../src/client';
import { loadConfig } from '../src/config';
import { generateAlerts } from '../src/samples/policyCatalogAlerts';

const ALERT_COUNT = Number(process.env.DEMO_ALERTS ?? 6000);
const LAKE_BUCKET = process.env.LAKE_BUCKET ?? 'security-lake-local';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-posture-us-east-1';
const PARTITIONED_KEY = /^(.+)\/region=([a-z0-9-]+)\/accountId=([a-z0-9-]+)\/eventDay=(\d{8})\/[^/]+\.parquet$/;

const step = (text: string) => console.log(`\n== ${text}`);

async function main(): Promise<void> {
  const config = loadConfig();
  const client = await ExporterClient.connect();
  const runId = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = `demo-${runId}`;
  const folder = `ext/posture-alerts/${runId}`;
  try {
    // Build the alert stream first: nothing is created if the catalog is missing.
    const alerts: unknown[] = generateAlerts({ count: ALERT_COUNT, seed: 20261203, days: { from: '2026-11-29', count: 3 } });

    // Earlier demo runs left an integration with catch-all rules: retire it, or it would receive this run's alerts too.
    for (const earlier of (await client.list()).filter((listing) => listing.name.startsWith('demo-'))) {
      try {
        const summary = await client.deleteIntegration(earlier.name);
        console.log(`deleted the previous demo integration ${earlier.name} (final flush: ${summary.rows} rows)`);
      } catch (error) {
        // E.g. one started by an older, incompatible version of the workflow code: demo data, so end it.
        await client.temporal.workflow.getHandle(earlier.workflowId).terminate('replaced by a new demo run');
        console.log(`terminated the previous demo integration ${earlier.name} (${(error as Error).message})`);
      }
    }

    step(`create integration ${name}`);
    const created = await client.createIntegration(name, { flush: { maxFileAgeMs: 10_000 } });
    console.log(`exporter AWS account ID: ${created.exporterAccountId}`);
    console.log(`External ID:             ${created.externalId}`);

    step('configure it with the custom source settings');
    const lake = { roleArn: ROLE_ARN, bucket: LAKE_BUCKET, region: 'us-east-1', folder };
    await client.configure(name, lake);
    console.log(`role ${lake.roleArn}\nbucket s3://${lake.bucket}/${lake.folder} (${lake.region}); files posted at 256 MiB or 10 s (demo setting; default 5 min)`);

    step('test connection');
    const test = await client.testConnection(name);
    for (const check of test.checks) console.log(`${check.ok ? 'PASS' : 'FAIL'} ${check.check}: ${check.detail}${check.hint ? ` (hint: ${check.hint})` : ''}`);
    if (!test.ok) throw new Error('test connection failed');

    step('alert rules');
    await client.addRule({ name: `${name}-cloud-all`, alertType: 'cloud', target: name });
    await client.addRule({ name: `${name}-iac-all`, alertType: 'iac', target: name });
    console.log('every cloud alert and every IaC alert is routed to the integration');

    step(`publish ${ALERT_COUNT} alerts built from the policy catalog (plus 3 malformed ones)`);
    // A publisher's mistakes: each is rejected with its field, and nothing else is lost.
    const aCloudAlert = alerts.find((alert) => (alert as { alert_type: string }).alert_type === 'cloud') as object;
    alerts.splice(100, 0, { ...aCloudAlert, alert_id: 'bad-risk', risk: 'urgent' });
    alerts.splice(2000, 0, { ...aCloudAlert, alert_id: 'bad-account', account_id: '../../other-partition' });
    alerts.splice(4000, 0, { alert_type: 'cloud', alert_id: 'bad-empty' });
    const started = Date.now();
    const report = await client.publish(alerts);
    const sent = report.sent[name] ?? 0;
    console.log(`sent ${sent} alerts in ${report.batches} signals (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const rejection of report.rejected) console.log(`rejected #${rejection.index} ${rejection.alertId ?? ''}: ${rejection.errors.slice(0, 3).join('; ')}`);

    step('waiting for the flush policy to post the files');
    let status = await client.status(name);
    const deadline = Date.now() + 5 * 60_000;
    while ((status.counters.rowsExported < sent || status.pending.alerts > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      status = await client.status(name);
      console.log(`  ${status.status}: ${status.counters.rowsExported}/${sent} rows in ${status.counters.filesExported} files; ${status.pending.alerts} pending in ${status.pending.partitions.length} partitions`);
    }
    console.log(`status ${status.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    step('what landed in the lake');
    const s3 = new S3Client({ region: config.AWS_REGION, forcePathStyle: config.S3_FORCE_PATH_STYLE });
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: LAKE_BUCKET, Prefix: `${folder}/`, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.NextContinuationToken;
    } while (token);

    const dir = mkdtempSync(path.join(tmpdir(), 'demo-lake-'));
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const problems: string[] = [];
    let totalRows = 0;
    const files: string[] = [];
    try {
      for (const [index, key] of keys.sort().entries()) {
        if (!PARTITIONED_KEY.test(key)) problems.push(`not a partitioned Parquet key: ${key}`);
        const object = await s3.send(new GetObjectCommand({ Bucket: LAKE_BUCKET, Key: key }));
        const file = path.join(dir, `${index}.parquet`);
        writeFileSync(file, await object.Body!.transformToByteArray());
        files.push(file);
        const count = Number((await db.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}')`)).getRowObjects()[0].n);
        totalRows += count;
        console.log(`${key.slice(folder.length + 1).padEnd(98)} ${String(count).padStart(6)} rows`);
      }
      console.log(`${keys.length} files, ${totalRows} rows (published and accepted: ${sent})`);
      if (totalRows !== sent) problems.push(`rows in the lake (${totalRows}) != alerts accepted (${sent})`);
      // Every row was validated against the OCSF 1.1.0 class before it was staged; a refused one would be counted here.
      console.log(`OCSF validation: ${status.counters.alertsRejected} rows refused by the workflow (every row is validated before staging)`);
      if (status.counters.alertsRejected > 0) problems.push(`${status.counters.alertsRejected} alerts rejected inside the workflow: ${JSON.stringify(status.recentRejections.slice(0, 3))}`);

      step('DuckDB over the whole lake folder');
      const fileList = files.map((file) => `'${file}'`).join(', ');
      const summary = await db.runAndReadAll(`
        SELECT metadata.log_name AS kind, cloud.provider AS provider, severity, count(*)::INTEGER AS findings,
               count(DISTINCT cloud.account.uid)::INTEGER AS accounts, strftime(min(time_dt), '%Y-%m-%d %H:%M') AS first,
               strftime(max(time_dt), '%Y-%m-%d %H:%M') AS last
        FROM read_parquet([${fileList}])
        GROUP BY ALL ORDER BY kind, provider, findings DESC`);
      console.log('(IaC alerts have no cloud account: they are partitioned under the lake region and the role account)');
      printTable(summary.getRowObjectsJson());
      const top = await db.runAndReadAll(`
        SELECT finding.title AS policy, count(*)::INTEGER AS findings
        FROM read_parquet([${fileList}]) WHERE severity_id >= 4
        GROUP BY ALL ORDER BY findings DESC, policy LIMIT 5`);
      console.log('top high/critical policies:');
      printTable(top.getRowObjectsJson());
    } finally {
      db.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }

    if (problems.length > 0) {
      for (const problem of problems) console.error(`PROBLEM: ${problem}`);
      process.exitCode = 1;
    } else {
      console.log(`\nOK: ${sent} alerts -> ${keys.length} Parquet files under s3://${LAKE_BUCKET}/${folder}/, every file read back by DuckDB.`);
    }
  } finally {
    await client.close();
  }
}

/** A plain aligned table (console.table adds an index column and quotes strings). */
function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index])).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
