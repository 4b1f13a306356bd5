/**
 * AWS clients for the activities. The exporter's own identity comes from the
 * SDK's standard credential chain; the lake is reached only through the role
 * Security Lake created, assumed with the integration's External ID.
 * Temporary credentials stay in this process: never returned, never logged.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { loadConfig } from '../config';

function endpointSettings() {
  const config = loadConfig();
  // AWS_ENDPOINT_URL is read by the SDK itself; path-style is needed by S3-compatible stores.
  return { forcePathStyle: config.S3_FORCE_PATH_STYLE };
}

let exporterS3Client: S3Client | undefined;
let exporterStsClient: STSClient | undefined;

/** The exporter's own S3 client (staging bucket). */
export function exporterS3(): S3Client {
  exporterS3Client ??= new S3Client({ region: loadConfig().AWS_REGION, ...endpointSettings() });
  return exporterS3Client;
}

export function exporterSts(): STSClient {
  exporterStsClient ??= new STSClient({ region: loadConfig().AWS_REGION });
  return exporterStsClient;
}

interface CachedRole {
  credentials: AwsCredentialIdentity;
  clients: Map<string, S3Client>;
}

const roleCache = new Map<string, CachedRole>();
/** Refresh this long before the temporary credentials expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface RoleTarget {
  roleArn: string;
  externalId: string;
  /** Names the session in the customer's CloudTrail. */
  sessionName: string;
}

/** AssumeRole with the External ID; cached per role and External ID until shortly before expiry. */
export async function assumeLakeRole(target: RoleTarget): Promise<AwsCredentialIdentity> {
  const cacheKey = `${target.roleArn}\u0000${target.externalId}`;
  const cached = roleCache.get(cacheKey);
  if (cached && (!cached.credentials.expiration || cached.credentials.expiration.getTime() - Date.now() > EXPIRY_MARGIN_MS)) {
    return cached.credentials;
  }
  const response = await exporterSts().send(
    new AssumeRoleCommand({
      RoleArn: target.roleArn,
      ExternalId: target.externalId,
      RoleSessionName: target.sessionName.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
      DurationSeconds: 3600,
    }),
  );
  const issued = response.Credentials;
  if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  const credentials: AwsCredentialIdentity = {
    accessKeyId: issued.AccessKeyId,
    secretAccessKey: issued.SecretAccessKey,
    sessionToken: issued.SessionToken,
    expiration: issued.Expiration,
  };
  roleCache.set(cacheKey, { credentials, clients: new Map() });
  return credentials;
}

/** An S3 client for the lake bucket, acting as the assumed role. */
export async function lakeS3(target: RoleTarget, bucketRegion: string): Promise<S3Client> {
  const credentials = await assumeLakeRole(target);
  const entry = roleCache.get(`${target.roleArn}\u0000${target.externalId}`)!;
  let client = entry.clients.get(bucketRegion);
  if (!client) {
    client = new S3Client({ region: bucketRegion, credentials, ...endpointSettings() });
    entry.clients.set(bucketRegion, client);
  }
  return client;
}

/** Forget a role's credentials, e.g. after the customer changed its trust policy. */
export function forgetLakeRole(target: Pick<RoleTarget, 'roleArn' | 'externalId'>): void {
  roleCache.delete(`${target.roleArn}\u0000${target.externalId}`);
}
