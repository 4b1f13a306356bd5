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

/** Temporary credentials per role and External ID; a pending AssumeRole is shared by concurrent flushes. */
const roleCredentials = new Map<string, Promise<AwsCredentialIdentity>>();
/** S3 clients per role, External ID and region; they ask for credentials on every request (cached above). */
const lakeClients = new Map<string, S3Client>();
/** Refresh this long before the temporary credentials expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface RoleTarget {
  roleArn: string;
  externalId: string;
  /** Names the session in the customer's CloudTrail. */
  sessionName: string;
}

const roleKey = (target: Pick<RoleTarget, 'roleArn' | 'externalId'>) => `${target.roleArn}\u0000${target.externalId}`;

async function requestRoleCredentials(target: RoleTarget): Promise<AwsCredentialIdentity> {
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
  return {
    accessKeyId: issued.AccessKeyId,
    secretAccessKey: issued.SecretAccessKey,
    sessionToken: issued.SessionToken,
    expiration: issued.Expiration,
  };
}

/** AssumeRole with the External ID; cached per role and External ID until shortly before expiry. */
export async function assumeLakeRole(target: RoleTarget): Promise<AwsCredentialIdentity> {
  const key = roleKey(target);
  const cached = roleCredentials.get(key);
  if (cached) {
    const credentials = await cached.catch(() => undefined);
    if (credentials && (!credentials.expiration || credentials.expiration.getTime() - Date.now() > EXPIRY_MARGIN_MS)) return credentials;
    if (roleCredentials.get(key) !== cached) return assumeLakeRole(target); // another caller already refreshed
  }
  const pending = requestRoleCredentials(target);
  roleCredentials.set(key, pending);
  pending.catch(() => {
    if (roleCredentials.get(key) === pending) roleCredentials.delete(key);
  });
  return pending;
}

/**
 * An S3 client for the lake bucket, acting as the assumed role. The role is
 * assumed first (so a refusal surfaces here, as AssumeRole's own error), and
 * the client refreshes the credentials itself, so a long flush never signs
 * with expired ones.
 */
export async function lakeS3(target: RoleTarget, bucketRegion: string): Promise<S3Client> {
  await assumeLakeRole(target);
  const key = `${roleKey(target)}\u0000${bucketRegion}`;
  let client = lakeClients.get(key);
  if (!client) {
    client = new S3Client({ region: bucketRegion, credentials: () => assumeLakeRole(target), ...endpointSettings() });
    lakeClients.set(key, client);
  }
  return client;
}

/** Forget a role's credentials, e.g. after the customer changed its trust policy. */
export function forgetLakeRole(target: Pick<RoleTarget, 'roleArn' | 'externalId'>): void {
  roleCredentials.delete(roleKey(target));
}
