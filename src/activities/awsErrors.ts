/**
 * Turns AWS SDK errors into what a user can act on, and decides which ones
 * are worth retrying. Permanent ones (denied, missing bucket, bad role) become
 * non-retryable Temporal failures: the workflow then marks the integration
 * Failed, keeps the data, and tries again later or when reconfigured.
 */
import { ApplicationFailure } from '@temporalio/common';

export interface AwsProblem {
  /** AWS's error code, e.g. AccessDenied, NoSuchBucket, PermanentRedirect. */
  code: string;
  httpStatus?: number;
  message: string;
  retryable: boolean;
}

const PERMANENT_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'Forbidden',
  'NoSuchBucket',
  'NotFound',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'MalformedPolicyDocument',
  'ValidationError',
  'InvalidParameterValue',
  'InvalidBucketName',
]);

export function describeAwsError(error: unknown): AwsProblem {
  const err = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const httpStatus = err?.$metadata?.httpStatusCode;
  let code = err?.Code ?? err?.name ?? 'Error';
  // HeadBucket responses have no body, so the SDK knows only the HTTP status.
  const bodiless = code === 'UnknownError' || code === 'Unknown';
  if (code === 'NotFound' || (bodiless && httpStatus === 404)) code = 'NoSuchBucket';
  if (code === 'Forbidden' || (bodiless && httpStatus === 403)) code = 'AccessDenied';
  if (httpStatus === 301 && code !== 'PermanentRedirect') code = 'PermanentRedirect';
  // Bodiless responses leave the SDK with a bare name as message: say what happened instead.
  let message = (err?.message ?? '').trim().replace(/\.+$/, '');
  if (!message || message === err?.name || message === 'UnknownError' || message === 'Unknown') {
    message = httpStatus ? `HTTP ${httpStatus} without details` : code;
  }
  // Only what retrying cannot fix is permanent: throttling (400 Throttling, 503 SlowDown), timeouts,
  // bad digests and conflicts all pass with another attempt.
  const retryable = !PERMANENT_CODES.has(code);
  return { code, httpStatus, message, retryable };
}

/** A hint for the user, by the step that failed and AWS's error code. */
export function hintFor(step: 'assumeRole' | 'bucketExists' | 'bucketRegion' | 'putObject' | 'readStaging', code: string): string {
  if (step === 'readStaging') {
    return PERMANENT_CODES.has(code)
      ? "The exporter's own staging bucket (STAGING_BUCKET) refused the worker: check the worker's AWS credentials and its permissions on that bucket."
      : 'Transient AWS error: it is retried automatically.';
  }
  if (step === 'assumeRole') {
    if (code === 'AccessDenied' || code === 'AccessDeniedException')
      return "Check the role's trust policy: it must allow this exporter account to sts:AssumeRole with exactly this integration's External ID.";
    if (code === 'ValidationError' || code === 'InvalidParameterValue') return 'Check the IAM role ARN: copy it from the Security Lake custom source.';
    if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch')
      return "The exporter's own AWS credentials are not valid: check the worker's credential chain.";
    return 'Check the IAM role ARN and the exporter credentials.';
  }
  if (code === 'NoSuchBucket') return 'Check the S3 bucket name: it is shown on the Security Lake custom source (aws-security-data-lake-<region>-...).';
  if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed')
    return "Check the bucket region: the bucket lives in another region than the one configured.";
  if (code === 'AccessDenied')
    return step === 'putObject'
      ? 'The role may not write there: check the bucket name and folder (the custom source prefix) and the role policy (s3:PutObject on the bucket/prefix).'
      : 'The role may not use this bucket: check the role policy (s3:ListBucket, s3:GetBucketLocation) and the bucket name.';
  return 'Transient AWS error: it is retried automatically.';
}

/** Throws the error as a Temporal failure: non-retryable when retrying cannot help. */
export function toActivityFailure(error: unknown, step: Parameters<typeof hintFor>[0], action: string): ApplicationFailure {
  const problem = describeAwsError(error);
  const reason = `${action} failed: ${problem.code}${problem.httpStatus ? ` (HTTP ${problem.httpStatus})` : ''}: ${problem.message}. ${hintFor(step, problem.code)}`;
  return ApplicationFailure.create({
    message: reason,
    type: problem.code,
    nonRetryable: !problem.retryable,
    details: [{ code: problem.code, step, action }],
  });
}
