/**
 * Process configuration, from the environment. The defaults are the embedded
 * local stack (scripts/stack.sh); in production point the same variables at
 * real AWS and any Temporal cluster. AWS credentials are not read here: the
 * SDK's standard credential chain finds them.
 */
import { z } from 'zod';

const EnvConfig = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('security-lake-exporter'),
  /** Standard AWS SDK variable; unset means real AWS endpoints. */
  AWS_ENDPOINT_URL: z.string().url().optional(),
  /** S3-compatible stores such as MinIO want path-style bucket addressing. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** The exporter's own region (STS, staging bucket). */
  AWS_REGION: z.string().default('us-east-1'),
  /** The exporter's own bucket for staged alert chunks (claim-check). */
  STAGING_BUCKET: z.string().default('security-lake-exporter-staging'),
  /** Shown to users when STS GetCallerIdentity is not available (some S3-compatible stores). */
  EXPORTER_ACCOUNT_ID: z.string().optional(),
  PRODUCT_NAME: z.string().default('Posture Guard'),
  PRODUCT_VENDOR: z.string().default('Security Lake Exporter'),
  PRODUCT_VERSION: z.string().default('0.1.0'),
});
export type AppConfig = z.infer<typeof EnvConfig>;

let cached: AppConfig | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (env === process.env && cached) return cached;
  const parsed = EnvConfig.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid environment: ${details}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}
