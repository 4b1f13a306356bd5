/**
 * Flushes one partition: merges its staged chunks (each sorted by time) into
 * time-ordered OCSF rows, encodes them as Parquet and streams each file into
 * a multipart upload in the lake bucket, rolling to a new file at maxFileBytes.
 * Keys come from the workflow, so a retried attempt overwrites its own files.
 */
import { Upload } from '@aws-sdk/lib-storage';
import { Context, heartbeat } from '@temporalio/activity';
import { PassThrough } from 'node:stream';
import type { SecurityFinding } from '../domain/ocsf/mapping';
import { parsePartitionKey, partitionPrefix } from '../domain/partition';
import { FindingParquetWriter } from '../parquet/findingParquetWriter';
import { lakeS3, type RoleTarget } from './awsClients';
import { toActivityFailure } from './awsErrors';
import { mergeByTime } from './mergeByTime';
import { readStagedChunk } from './staging';

export interface WriteParquetInput {
  integrationName: string;
  roleArn: string;
  externalId: string;
  bucket: string;
  bucketRegion: string;
  folder: string;
  partitionKey: string;
  chunkKeys: string[];
  /** Unique per flush, chosen by the workflow: `<fileStem>-<n>.parquet`. */
  fileStem: string;
  maxFileBytes: number;
}

export interface WrittenFile {
  key: string;
  rows: number;
  bytes: number;
}

export interface WriteParquetResult {
  files: WrittenFile[];
  rows: number;
}

const MiB = 1024 * 1024;

export async function writeParquet(input: WriteParquetInput): Promise<WriteParquetResult> {
  const role: RoleTarget = { roleArn: input.roleArn, externalId: input.externalId, sessionName: `security-lake-exporter-${input.integrationName}` };
  let client;
  try {
    client = await lakeS3(role, input.bucketRegion);
  } catch (error) {
    throw toActivityFailure(error, 'assumeRole', `sts:AssumeRole ${input.roleArn}`);
  }
  const prefix = partitionPrefix(input.folder, parsePartitionKey(input.partitionKey));
  const cancellation = new AbortController();
  Context.current().cancellationSignal.addEventListener('abort', () => cancellation.abort());
  const files: WrittenFile[] = [];
  let current: { writer: FindingParquetWriter; key: string; uploaded: Promise<unknown>; body: PassThrough } | undefined;
  let totalRows = 0;

  const openFile = async () => {
    const key = `${prefix}${input.fileStem}-${files.length}.parquet`;
    const body = new PassThrough();
    const upload = new Upload({
      // Cancelled or timed-out attempts stop uploading instead of racing their own retry.
      abortController: cancellation,
      client,
      params: { Bucket: input.bucket, Key: key, Body: body, ContentType: 'application/vnd.apache.parquet' },
      partSize: 8 * MiB,
      queueSize: 2,
      // Security Lake's provider role has no s3:AbortMultipartUpload; a lifecycle rule cleans orphaned parts.
      leavePartsOnError: true,
    });
    const uploaded = upload.done();
    // An upload that fails stops the encoder instead of leaving it blocked on backpressure.
    uploaded.catch((error) => body.destroy(error as Error));
    const writer = await FindingParquetWriter.open(body);
    return { writer, key, uploaded, body };
  };

  const closeFile = async () => {
    if (!current) return;
    const { writer, key, uploaded } = current;
    // Stays `current` until the upload is done: a failure inside close() is then reported as the upload's own error.
    await writer.close();
    try {
      await uploaded;
    } catch (error) {
      current = undefined;
      throw toActivityFailure(error, 'putObject', `s3:PutObject s3://${input.bucket}/${key}`);
    }
    current = undefined;
    files.push({ key, rows: writer.rowCount, bytes: writer.bytesWritten });
    heartbeat({ files: files.length, rows: totalRows });
  };

  try {
    // Opening hundreds of chunks takes a while before the first row: heartbeat as each one arrives.
    const rows: AsyncIterable<SecurityFinding> = mergeByTime(input.chunkKeys.map((chunkKey, index) => heartbeating(readStagedChunk(chunkKey), index)));
    for await (const row of rows) {
      current ??= await openFile();
      await current.writer.appendRow(row);
      totalRows += 1;
      if (totalRows % 5000 === 0) heartbeat({ files: files.length, rows: totalRows });
      // Written bytes plus the bound of the open row group: files stay close to maxFileBytes.
      if (current.writer.bytesWritten + current.writer.bufferedBytes >= input.maxFileBytes) await closeFile();
    }
    await closeFile();
  } catch (error) {
    const pending = current;
    if (pending) {
      // End the body first (an upload still waiting for data would never settle), then prefer the
      // upload's own error (e.g. AccessDenied) over the broken pipe it caused.
      pending.body.destroy(error as Error);
      const uploadError = await pending.uploaded.then(
        () => undefined,
        (uploadFailure: unknown) => uploadFailure,
      );
      if (uploadError && uploadError !== error && (uploadError as { name?: string }).name !== 'AbortError') {
        throw toActivityFailure(uploadError, 'putObject', `s3:PutObject s3://${input.bucket}/${pending.key}`);
      }
    }
    if (isTemporalFailure(error)) throw error;
    throw toActivityFailure(error, 'putObject', `s3:PutObject s3://${input.bucket}/${prefix}`);
  }
  return { files, rows: totalRows };
}

function isTemporalFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ApplicationFailure';
}

async function* heartbeating<T>(rows: AsyncIterable<T>, chunkIndex: number): AsyncGenerator<T> {
  let first = true;
  for await (const row of rows) {
    if (first) {
      heartbeat({ openingChunk: chunkIndex });
      first = false;
    }
    yield row;
  }
}
