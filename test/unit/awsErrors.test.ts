/** Which AWS errors are worth retrying, and what the user is told. Error shapes as the AWS SDK v3 produces them. */
import { describeAwsError, toActivityFailure } from '../../src/activities/awsErrors';

const sdkError = (name: string, httpStatusCode: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

describe('AWS error classification', () => {
  test.each([
    ['AccessDenied', 403, false],
    ['NoSuchBucket', 404, false],
    ['InvalidAccessKeyId', 403, false],
    ['PermanentRedirect', 301, false],
    ['Throttling', 400, true],
    ['SlowDown', 503, true],
    ['RequestTimeout', 400, true],
    ['InternalError', 500, true],
    ['ExpiredToken', 400, true],
  ])('%s (HTTP %d) retryable: %s', (name, status, retryable) => {
    expect(describeAwsError(sdkError(name, status)).retryable).toBe(retryable);
  });

  test('a bodiless HeadBucket answer is named by its status', () => {
    expect(describeAwsError(sdkError('Unknown', 403, 'UnknownError'))).toMatchObject({ code: 'AccessDenied', message: 'HTTP 403 without details', retryable: false });
    expect(describeAwsError(sdkError('NotFound', 404))).toMatchObject({ code: 'NoSuchBucket', retryable: false });
  });

  test('the failure names the action, the code and a hint, once punctuated', () => {
    const failure = toActivityFailure(sdkError('AccessDenied', 403, 'Access Denied.'), 'putObject', 's3:PutObject s3://lake/ext/x.parquet');
    expect(failure.message).toBe(
      's3:PutObject s3://lake/ext/x.parquet failed: AccessDenied (HTTP 403): Access Denied. The role may not write there: check the bucket name and folder (the custom source prefix) and the role policy (s3:PutObject on the bucket/prefix).',
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('AccessDenied');
  });

  test('staging errors point at the exporter, not the customer', () => {
    const failure = toActivityFailure(sdkError('AccessDenied', 403, 'Access Denied.'), 'readStaging', 'staging s3:PutObject s3://staging/k');
    expect(failure.message).toMatch(/STAGING_BUCKET/);
    expect(failure.message).not.toMatch(/role policy/);
  });
});
