/** Integration settings and alert validation: each bad value is refused with a message naming the field. */
import { validateAlerts } from '../../src/domain/alerts';
import { FlushPolicy, InvalidInputError, IntegrationName, LakeSettings, parseOrThrow } from '../../src/domain/integration';
import { partitionOf, partitionPrefix } from '../../src/domain/partition';
import { cloudAlert, iacAlert } from '../support/alertFactory';

const good = { roleArn: 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-posture-us-east-2', bucket: 'aws-security-data-lake-us-east-2-o-4g8wg3sx9z', region: 'us-east-2', folder: 'ext/posture-alerts' };

describe('lake settings', () => {
  test.each([
    ['roleArn', 'arn:aws:iam::123456789012:user/alice', /roleArn: must be an IAM role ARN/],
    ['roleArn', 'arn:aws:iam::1234:role/x', /roleArn: must be an IAM role ARN/],
    ['bucket', 'My_Bucket', /bucket: must use only lowercase letters/],
    ['bucket', 'ab', /bucket: must be 3 to 63 characters/],
    ['bucket', 'a..b', /bucket: must not contain two adjacent dots/],
    ['bucket', '192.168.1.10', /bucket: must not be formatted as an IP address/],
    ['region', 'useast', /region: must be an AWS region/],
    ['region', 'westeurope', /region: must be an AWS region/],
    ['folder', 'ext/../other', /folder: must not contain \. or \.\. segments/],
    ['folder', 'ext/pos ture', /folder: must use only letters/],
  ])('%s = %j is refused', (field, value, message) => {
    expect(() => parseOrThrow(LakeSettings, { ...good, [field]: value }, 'lake settings')).toThrow(message);
    expect(() => parseOrThrow(LakeSettings, { ...good, [field]: value }, 'lake settings')).toThrow(InvalidInputError);
  });

  test.each([
    ['/ext/posture-alerts/', 'ext/posture-alerts'],
    ['s3://aws-security-data-lake-us-east-2-o-4g8wg3sx9z/ext/posture-alerts', 'ext/posture-alerts'],
    ['ext//posture-alerts', 'ext/posture-alerts'],
    ['', ''],
  ])('folder %j is normalised to %j', (folder, normalised) => {
    expect(LakeSettings.parse({ ...good, folder }).folder).toBe(normalised);
  });

  test('accepts the settings a Security Lake custom source gives', () => {
    expect(LakeSettings.parse(good)).toEqual(good);
    expect(LakeSettings.parse({ ...good, region: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
  });

  test('integration names and flush policy', () => {
    expect(() => parseOrThrow(IntegrationName, '', 'integration name')).toThrow(/must not be empty/);
    expect(() => parseOrThrow(IntegrationName, '-lead', 'integration name')).toThrow(/must start with a letter or digit/);
    expect(FlushPolicy.parse({})).toEqual({ maxFileBytes: 256 * 1024 * 1024, maxFileAgeMs: 300_000, failedRetryMs: 300_000 });
    expect(() => parseOrThrow(FlushPolicy, { maxFileAgeMs: 10 }, 'flush policy')).toThrow(/maxFileAgeMs: must be at least 100 ms/);
  });
});

describe('alerts', () => {
  test('one bad alert never sinks the good ones; each error names its field', () => {
    const { accepted, rejected } = validateAlerts([
      cloudAlert({ alert_id: 'ok-1' }),
      cloudAlert({ alert_id: 'aws-short-account', account_id: '1234' }),
      cloudAlert({ alert_id: 'path-escape', region: '../us-east-1' }),
      iacAlert({ alert_id: 'ok-2' }),
      'not an alert',
      cloudAlert({ alert_id: 'no-zone', csp_event_timestamp: '2026-11-30T08:00:00' }),
    ]);
    expect(accepted.map((alert) => alert.alert_id)).toEqual(['ok-1', 'ok-2']);
    expect(rejected.map((rejection) => [rejection.index, rejection.alertId])).toEqual([
      [1, 'aws-short-account'],
      [2, 'path-escape'],
      [4, undefined],
      [5, 'no-zone'],
    ]);
    expect(rejected[0].errors).toEqual(['account_id: must be a 12-digit AWS account ID for csp aws']);
    expect(rejected[1].errors.join()).toMatch(/^region: /);
    expect(rejected[2].errors).toEqual(['(alert): Invalid input: expected object, received string']);
    expect(rejected[3].errors.join()).toMatch(/^csp_event_timestamp: must be an RFC 3339 date-time with a zone/);
  });

  test('an Azure subscription or GCP project id is a valid cloud account', () => {
    const { accepted } = validateAlerts([
      cloudAlert({ csp: 'azure', account_id: '8f3c2a1e-5b6d-4c7e-9f80-1a2b3c4d5e6f', region: 'westeurope' }),
      cloudAlert({ csp: 'gcp', account_id: 'payments-prod-4821', region: 'europe-west1' }),
    ]);
    expect(accepted).toHaveLength(2);
  });
});

describe('partitions', () => {
  const lake = { region: 'us-east-2', roleArn: good.roleArn };
  test('a cloud alert goes under its own region, account and UTC day', () => {
    const [alert] = validateAlerts([cloudAlert({ region: 'eu-west-1', account_id: '444455556666', csp_event_timestamp: '2026-12-01T23:30:00-02:00' })]).accepted;
    expect(partitionPrefix('ext/posture-alerts', partitionOf(alert, lake))).toBe('ext/posture-alerts/region=eu-west-1/accountId=444455556666/eventDay=20261202/');
  });

  test("an IaC alert goes under the lake's region and the role's account", () => {
    const [alert] = validateAlerts([iacAlert({ alert_created_dt: '2026-11-30T10:00:00Z' })]).accepted;
    expect(partitionOf(alert, lake)).toEqual({ region: 'us-east-2', accountId: '123456789012', eventDay: '20261130' });
  });
});
