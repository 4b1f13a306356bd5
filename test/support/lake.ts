/**
 * Test helpers around the real local stack: an in-process worker on its own
 * task queue, a client, and reads of what landed in the lake (through DuckDB).
 */
import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ExporterClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { createExporterWorker } from '../../src/worker';

export const LAKE_BUCKET = process.env.LAKE_BUCKET ?? 'security-lake-local';
export const READONLY_BUCKET = process.env.READONLY_BUCKET ?? 'security-lake-readonly';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-posture-us-east-1';

export interface Harness {
  client: ExporterClient;
  worker: Worker;
  taskQueue: string;
  /** Unique per test file run: integration names and lake folders start with it. */
  runId: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startHarness(label: string): Promise<Harness> {
  const config = loadConfig();
  if (!runtimeInstalled) {
    // Worker lifecycle chatter at INFO drowns the test report; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const runId = `${label}-${Date.now().toString(36)}`;
  const taskQueue = `test-${runId}`;
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createExporterWorker({ connection: nativeConnection, taskQueue, workflowBundle });
  const running = worker.run();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new ExporterClient(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue);
  return {
    client,
    worker,
    taskQueue,
    runId,
    async stop() {
      // Leave no integration of this run behind in the (persistent) dev server.
      const leftovers = client.temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` });
      for await (const execution of leftovers) {
        await client.temporal.workflow.getHandle(execution.workflowId).terminate('test run finished');
      }
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

export function testS3(): S3Client {
  const config = loadConfig();
  return new S3Client({ region: config.AWS_REGION, forcePathStyle: config.S3_FORCE_PATH_STYLE });
}

export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const s3 = testS3();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push(object.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export interface LandedRow {
  key: string;
  uid: string;
  accountUid: string | null;
  time: bigint;
}

/** Downloads every Parquet file under the prefix and reads it with DuckDB. */
export async function readLake(bucket: string, prefix: string): Promise<LandedRow[]> {
  const keys = await listKeys(bucket, prefix);
  const dir = mkdtempSync(path.join(tmpdir(), 'lake-'));
  const s3 = testS3();
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const rows: LandedRow[] = [];
  try {
    for (const [index, key] of keys.entries()) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const file = path.join(dir, `${index}.parquet`);
      writeFileSync(file, await object.Body!.transformToByteArray());
      const reader = await db.runAndReadAll(`SELECT finding.uid AS uid, cloud.account.uid AS account_uid, "time" FROM read_parquet('${file}')`);
      for (const row of reader.getRowObjects()) {
        rows.push({ key, uid: String(row.uid), accountUid: row.account_uid === null ? null : String(row.account_uid), time: row.time as bigint });
      }
    }
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Polls until the check passes or the time is up; returns the last value for a readable failure. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await probe();
  }
  return value;
}
