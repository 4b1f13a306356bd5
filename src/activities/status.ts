/**
 * Records an integration's status transitions (Pending, Success, Failed) as an
 * audit trail in the exporter's staging bucket and in the worker log, so an
 * operator can see when and why an integration failed after the fact. The
 * live status is the workflow's (query, search attributes, memo).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { log } from '@temporalio/activity';
import { loadConfig } from '../config';
import type { ExportStatus } from '../domain/integration';
import { exporterS3 } from './awsClients';
import { toActivityFailure } from './awsErrors';

export interface StatusTransition {
  integrationName: string;
  from: ExportStatus | undefined;
  to: ExportStatus;
  reason?: string;
  /** Workflow time of the transition, ISO 8601. */
  at: string;
}

export function statusRecordKey(transition: Pick<StatusTransition, 'integrationName' | 'at' | 'to'>): string {
  return `status/${encodeURIComponent(transition.integrationName)}/${transition.at}-${transition.to}.json`;
}

export async function updateStatus(transition: StatusTransition): Promise<void> {
  const { STAGING_BUCKET } = loadConfig();
  log.info('integration status changed', { ...transition });
  const key = statusRecordKey(transition);
  try {
    await exporterS3().send(
      new PutObjectCommand({ Bucket: STAGING_BUCKET, Key: key, Body: JSON.stringify(transition), ContentType: 'application/json' }),
    );
  } catch (error) {
    throw toActivityFailure(error, 'readStaging', `status record s3:PutObject s3://${STAGING_BUCKET}/${key}`);
  }
}
