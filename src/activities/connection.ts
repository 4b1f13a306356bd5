/**
 * Test connection and the exporter's own identity: what the user needs to set
 * up the Security Lake custom source and to know that it works.
 */
import { GetBucketLocationCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { loadConfig } from '../config';
import type { LakeSettings } from '../domain/integration';
import { exporterSts, forgetLakeRole, lakeS3 } from './awsClients';
import { describeAwsError, hintFor } from './awsErrors';

export type ConnectionCheckName = 'assumeRole' | 'bucketExists' | 'bucketRegion';

export interface ConnectionCheck {
  check: ConnectionCheckName;
  ok: boolean;
  /** Skipped because an earlier check failed. */
  skipped?: boolean;
  detail: string;
  /** AWS's error code, when AWS said no. */
  code?: string;
  hint?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  checks: ConnectionCheck[];
}

export interface TestConnectionInput {
  integrationName: string;
  lake: LakeSettings;
  externalId: string;
}

export async function testConnection(input: TestConnectionInput): Promise<ConnectionTestResult> {
  const { lake, externalId } = input;
  const target = { roleArn: lake.roleArn, externalId, sessionName: `security-lake-exporter-test-${input.integrationName}` };
  // A test must see the customer's current trust policy, not a cached session.
  forgetLakeRole(target);
  const checks: ConnectionCheck[] = [];
  const skip = (check: ConnectionCheckName) => checks.push({ check, ok: false, skipped: true, detail: 'skipped: an earlier check failed' });

  let client;
  try {
    client = await lakeS3(target, lake.region);
    checks.push({ check: 'assumeRole', ok: true, detail: `assumed ${lake.roleArn} with the External ID` });
  } catch (error) {
    const problem = describeAwsError(error);
    checks.push({ check: 'assumeRole', ok: false, code: problem.code, detail: problem.message, hint: hintFor('assumeRole', problem.code) });
    skip('bucketExists');
    skip('bucketRegion');
    return { ok: false, checks };
  }

  let reportedRegion: string | undefined;
  try {
    const head = await client.send(new HeadBucketCommand({ Bucket: lake.bucket }));
    reportedRegion = head.BucketRegion;
    checks.push({ check: 'bucketExists', ok: true, detail: `bucket ${lake.bucket} exists and the role may use it` });
  } catch (error) {
    const problem = describeAwsError(error);
    // A bucket in another region answers with a redirect (AWS) or a 400 (S3-compatible stores), naming its region.
    reportedRegion = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.['x-amz-bucket-region'];
    if (reportedRegion && reportedRegion !== lake.region) {
      checks.push({ check: 'bucketExists', ok: true, detail: `bucket ${lake.bucket} exists, in region ${reportedRegion}` });
    } else {
      checks.push({ check: 'bucketExists', ok: false, code: problem.code, detail: problem.message, hint: hintFor('bucketExists', problem.code) });
      skip('bucketRegion');
      return { ok: false, checks };
    }
  }

  if (!reportedRegion) {
    try {
      const location = await client.send(new GetBucketLocationCommand({ Bucket: lake.bucket }));
      // S3 reports us-east-1 as an empty location constraint.
      reportedRegion = location.LocationConstraint || 'us-east-1';
    } catch (error) {
      const problem = describeAwsError(error);
      checks.push({ check: 'bucketRegion', ok: false, code: problem.code, detail: problem.message, hint: hintFor('bucketRegion', problem.code) });
      return { ok: false, checks };
    }
  }
  if (reportedRegion === lake.region) {
    checks.push({ check: 'bucketRegion', ok: true, detail: `bucket is in ${lake.region}` });
  } else {
    checks.push({
      check: 'bucketRegion',
      ok: false,
      code: 'PermanentRedirect',
      detail: `bucket is in ${reportedRegion}, not ${lake.region}`,
      hint: hintFor('bucketRegion', 'PermanentRedirect'),
    });
  }
  return { ok: checks.every((check) => check.ok), checks };
}

export interface ExporterIdentity {
  /** The AWS account the user trusts in the custom source form. */
  accountId: string;
  source: 'sts' | 'configuration';
}

/** STS GetCallerIdentity of the exporter's credentials, or the configured account where STS lacks it. */
export async function describeExporter(): Promise<ExporterIdentity> {
  const configured = loadConfig().EXPORTER_ACCOUNT_ID;
  if (configured) return { accountId: configured, source: 'configuration' };
  const identity = await exporterSts().send(new GetCallerIdentityCommand({}));
  if (!identity.Account) throw new Error('GetCallerIdentity returned no account');
  return { accountId: identity.Account, source: 'sts' };
}
