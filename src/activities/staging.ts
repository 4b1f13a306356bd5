/**
 * Claim-check staging: the workflow holds only a small buffer of alerts; this
 * activity maps them to OCSF rows, validates each row, and writes one chunk
 * per partition (NDJSON, gzip, rows sorted by time) to the exporter's staging
 * bucket under a key the workflow chose, so a retry overwrites, never duplicates.
 */
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { loadConfig } from '../config';
import type { Alert } from '../domain/alerts';
import type { LakeSettings } from '../domain/integration';
import { mappingContextFor, toSecurityFinding, type MappingContext, type SecurityFinding } from '../domain/ocsf/mapping';
import { validateSecurityFinding } from '../domain/ocsf/validate';
import { exporterS3 } from './awsClients';
import { toActivityFailure } from './awsErrors';

export interface StageGroup {
  partitionKey: string;
  chunkKey: string;
  alerts: Alert[];
}

export interface StageAlertsInput {
  groups: StageGroup[];
  /** The integration's lake: where IaC alerts are partitioned. */
  lake: Pick<LakeSettings, 'region' | 'roleArn'>;
}

export interface StagedChunk {
  partitionKey: string;
  chunkKey: string;
  rows: number;
  /** Compressed size: the estimate of what the rows add to a Parquet file. */
  bytes: number;
}

export interface MappingRejection {
  alertId: string;
  errors: string[];
}

export interface StageAlertsResult {
  chunks: StagedChunk[];
  /** Alerts whose OCSF row did not validate: a bug in our mapping, reported, never written. */
  rejected: MappingRejection[];
}

/** Maps and validates; returns the rows sorted by time and the alerts that failed. */
export function toValidatedRows(alerts: readonly Alert[], context: MappingContext): { rows: SecurityFinding[]; rejected: MappingRejection[] } {
  const rows: SecurityFinding[] = [];
  const rejected: MappingRejection[] = [];
  for (const alert of alerts) {
    try {
      const row = toSecurityFinding(alert, context);
      const issues = validateSecurityFinding(row);
      if (issues.length > 0) {
        rejected.push({ alertId: alert.alert_id, errors: issues.map((issue) => `OCSF ${issue.path}: ${issue.reason}`) });
      } else {
        rows.push(row);
      }
    } catch (error) {
      rejected.push({ alertId: alert.alert_id, errors: [`OCSF mapping: ${(error as Error).message}`] });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  return { rows, rejected };
}

export async function stageAlerts(input: StageAlertsInput): Promise<StageAlertsResult> {
  const { STAGING_BUCKET } = loadConfig();
  const context = mappingContextFor(loadConfig(), input.lake);
  const chunks: StagedChunk[] = [];
  const rejected: MappingRejection[] = [];
  for (const group of input.groups) {
    const mapped = toValidatedRows(group.alerts, context);
    rejected.push(...mapped.rejected);
    if (mapped.rows.length === 0) continue;
    const body = gzipSync(mapped.rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    try {
      await exporterS3().send(
        new PutObjectCommand({ Bucket: STAGING_BUCKET, Key: group.chunkKey, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }),
      );
    } catch (error) {
      throw toActivityFailure(error, 'readStaging', `staging s3:PutObject s3://${STAGING_BUCKET}/${group.chunkKey}`);
    }
    chunks.push({ partitionKey: group.partitionKey, chunkKey: group.chunkKey, rows: mapped.rows.length, bytes: body.length });
  }
  return { chunks, rejected };
}

/**
 * Streams one staged chunk's rows, in the (time) order they were written. The
 * compressed chunk is fetched whole (it is small) so that a flush merging
 * hundreds of chunks never holds hundreds of HTTP connections open.
 */
export async function* readStagedChunk(chunkKey: string): AsyncGenerator<SecurityFinding> {
  const { STAGING_BUCKET } = loadConfig();
  let compressed: Uint8Array;
  try {
    const response = await exporterS3().send(new GetObjectCommand({ Bucket: STAGING_BUCKET, Key: chunkKey }));
    compressed = await response.Body!.transformToByteArray();
  } catch (error) {
    throw toActivityFailure(error, 'readStaging', `staging s3:GetObject s3://${STAGING_BUCKET}/${chunkKey}`);
  }
  const lines = createInterface({ input: Readable.from([Buffer.from(compressed)]).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line) yield JSON.parse(line) as SecurityFinding;
  }
}

export interface DeleteStagedInput {
  chunkKeys: string[];
}

/** Removes chunks once their rows are in the lake. Deleting a missing key is fine (idempotent). */
export async function deleteStaged(input: DeleteStagedInput): Promise<number> {
  const { STAGING_BUCKET } = loadConfig();
  let deleted = 0;
  for (let start = 0; start < input.chunkKeys.length; start += 1000) {
    const keys = input.chunkKeys.slice(start, start + 1000);
    try {
      const response = await exporterS3().send(
        new DeleteObjectsCommand({ Bucket: STAGING_BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (response.Errors?.length) throw new Error(response.Errors.map((e) => `${e.Key}: ${e.Code}`).join(', '));
    } catch (error) {
      throw toActivityFailure(error, 'readStaging', `staging s3:DeleteObjects in s3://${STAGING_BUCKET}`);
    }
    deleted += keys.length;
  }
  return deleted;
}
