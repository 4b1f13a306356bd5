/**
 * An integration: one Security Lake custom source we export to. These schemas
 * validate what the user enters, with messages that say what is wrong.
 */
import { z } from 'zod';

export const IntegrationName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'must start with a letter or digit and use only letters, digits, spaces, dots, underscores and hyphens');

/** IAM role ARN as Security Lake's custom source creates it. */
export const RoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/,
    'must be an IAM role ARN such as arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-posture-us-east-2',
  );

/** S3 general purpose bucket naming rules. */
export const BucketName = z
  .string()
  .min(3, 'must be 3 to 63 characters long')
  .max(63, 'must be 3 to 63 characters long')
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'must use only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit')
  .refine((name) => !name.includes('..'), 'must not contain two adjacent dots')
  .refine((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), 'must not be formatted as an IP address')
  .refine((name) => !name.startsWith('xn--') && !name.endsWith('-s3alias') && !name.endsWith('--ol-s3'), 'must not use a reserved prefix or suffix');

/** The custom source's prefix, normalised to `a/b` (no leading/trailing slash). */
export const FolderLocation = z
  .string()
  .transform((folder) => folder.trim().replace(/^s3:\/\/[^/]+\//, '').replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/'))
  .pipe(
    z
      .string()
      .max(512, 'must be at most 512 characters')
      .refine((folder) => folder.split('/').every((segment) => segment !== '.' && segment !== '..'), 'must not contain . or .. segments')
      .refine((folder) => /^[A-Za-z0-9!_.*'()\/-]*$/.test(folder), 'must use only letters, digits and the characters ! _ . * \' ( ) - /'),
  );

/** Security Lake lives in AWS regions only: us-east-1, eu-west-2, us-gov-west-1, ap-southeast-4, ... */
export const AwsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'must be an AWS region such as us-east-1 or eu-west-2');

export const LakeSettings = z.object({
  roleArn: RoleArn,
  bucket: BucketName,
  region: AwsRegion,
  folder: FolderLocation,
});
export type LakeSettings = z.infer<typeof LakeSettings>;
export type LakeSettingsInput = z.input<typeof LakeSettings>;

const MiB = 1024 * 1024;

/** When a partition's file is posted. Security Lake's own rule: 256 MB or 5 minutes. */
export const FlushPolicy = z.object({
  maxFileBytes: z.number().int().min(1024, 'must be at least 1024 bytes').max(1024 * MiB).default(256 * MiB),
  maxFileAgeMs: z.number().int().min(100, 'must be at least 100 ms').max(24 * 3600_000, 'must be at most one day').default(5 * 60_000),
  /** While Failed, how long to wait before trying the lake again on its own. */
  failedRetryMs: z.number().int().min(100).max(24 * 3600_000).default(5 * 60_000),
});
export type FlushPolicy = z.infer<typeof FlushPolicy>;
export type FlushPolicyInput = z.input<typeof FlushPolicy>;

export const ExportStatus = z.enum(['Pending', 'Success', 'Failed']);
export type ExportStatus = z.infer<typeof ExportStatus>;

/** Generated at create; the user pastes it into the custom source form. */
export const ExternalId = z.string().regex(/^[A-Za-z0-9+=,.@:\/-]{32,1224}$/, 'must be 32 or more characters of A-Z a-z 0-9 +=,.@:/-');

/** Parses with a schema, turning a failure into one readable message per field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : what}: ${issue.message}`);
  throw new InvalidInputError(`invalid ${what}: ${details.join('; ')}`, details);
}

export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
