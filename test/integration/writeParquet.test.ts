/**
 * The writeParquet activity on its own, against the real MinIO: it must fail
 * promptly (never hang on an upload waiting for data) when a staged chunk is
 * corrupt, and leave no file behind for a partition it could not finish.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { gzipSync } from 'node:zlib';
import { stageAlerts } from '../../src/activities/staging';
import { writeParquet } from '../../src/activities/writeParquet';
import { loadConfig } from '../../src/config';
import { validateAlerts } from '../../src/domain/alerts';
import { cloudAlert } from '../support/alertFactory';
import { LAKE_BUCKET, listKeys, ROLE_ARN, testS3 } from '../support/lake';

const runId = `wp-${Date.now().toString(36)}`;
const partitionKey = 'region=us-east-1/accountId=111122223333/eventDay=20261130';

test('a corrupt staged chunk fails the attempt promptly instead of hanging', async () => {
  const { STAGING_BUCKET } = loadConfig();
  const { accepted } = validateAlerts(Array.from({ length: 50 }, (_, i) => cloudAlert({ csp_event_timestamp: `2026-11-30T08:00:${String(i).padStart(2, '0')}Z` })));
  const goodKey = `staging/${runId}/${partitionKey}/good.ndjson.gz`;
  const badKey = `staging/${runId}/${partitionKey}/bad.ndjson.gz`;
  await new MockActivityEnvironment().run(stageAlerts, { groups: [{ partitionKey, chunkKey: goodKey, alerts: accepted }], lake: { region: 'us-east-1', roleArn: ROLE_ARN } });
  // A valid first line, then a truncated gzip stream: the flush is already writing when it breaks.
  const truncated = gzipSync(`${JSON.stringify({ time: 1 })}\n${'{"time": 2'.repeat(2000)}`).subarray(0, 200);
  await testS3().send(new PutObjectCommand({ Bucket: STAGING_BUCKET, Key: badKey, Body: truncated }));

  const folder = `ext/${runId}`;
  const started = Date.now();
  await expect(
    new MockActivityEnvironment().run(writeParquet, {
      integrationName: runId,
      roleArn: ROLE_ARN,
      externalId: 'x'.repeat(40),
      bucket: LAKE_BUCKET,
      bucketRegion: 'us-east-1',
      folder,
      partitionKey,
      chunkKeys: [goodKey, badKey],
      fileStem: 'corrupt',
      maxFileBytes: 256 * 1024 * 1024,
    }),
  ).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(await listKeys(LAKE_BUCKET, `${folder}/`)).toEqual([]);
});
