/**
 * Golden tests: fixed alerts and the exact OCSF rows they become. The expected
 * rows in test/fixtures/golden/ were written by hand from docs/ocsf-mapping.md
 * (not produced by the mapper); a difference here is either a mapping bug or
 * a deliberate mapping change that must be reviewed field by field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alert } from '../../src/domain/alerts';
import { mappingContextFor, toSecurityFinding, type MappingContext } from '../../src/domain/ocsf/mapping';
import { validateSecurityFinding } from '../../src/domain/ocsf/validate';
import { findingTime, partitionOf, utcEventDay } from '../../src/domain/partition';

const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'golden');

const context: MappingContext = {
  product: { name: 'Posture Guard', vendorName: 'Acme Security', version: '2.4.1' },
  lake: { region: 'us-east-2', accountId: '123456789012' },
};

interface GoldenCase {
  file: string;
  description: string;
  alert: unknown;
  expected: Record<string, unknown>;
}

const cases: GoldenCase[] = readdirSync(GOLDEN_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')) as Omit<GoldenCase, 'file'>) }));

describe('OCSF mapping golden files', () => {
  it('covers both alert kinds', () => {
    const kinds = new Set(cases.map((golden) => (golden.alert as { alert_type: string }).alert_type));
    expect([...kinds].sort()).toEqual(['cloud', 'iac']);
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(cases.map((golden) => [golden.file, golden] as const))('%s', (_file, golden) => {
    const alert = Alert.parse(golden.alert);
    const row = toSecurityFinding(alert, context);

    it('maps to exactly the expected row', () => {
      // toStrictEqual also refuses keys present with an undefined value.
      expect(row).toStrictEqual(golden.expected);
    });

    it('survives a JSON round trip unchanged (what staging and Parquet see)', () => {
      expect(JSON.parse(JSON.stringify(row))).toStrictEqual(golden.expected);
    });

    it('is a valid OCSF row', () => {
      expect(validateSecurityFinding(golden.expected)).toEqual([]);
    });

    it('has `time` equal to the instant the partition is chosen by', () => {
      expect(row.time).toBe(new Date(findingTime(alert)).getTime());
      const partition = partitionOf(alert, { region: context.lake.region, roleArn: `arn:aws:iam::${context.lake.accountId}:role/sl-provider` });
      expect(partition.eventDay).toBe(utcEventDay(row.time_dt));
    });
  });
});

describe('mapping details', () => {
  it('puts IaC alerts under the lake region and the role account, without writing the lake into the row', () => {
    const golden = cases.find((candidate) => candidate.file.startsWith('iac-'))!;
    const alert = Alert.parse(golden.alert);
    const partition = partitionOf(alert, { region: 'eu-west-3', roleArn: 'arn:aws:iam::210987654321:role/sl-provider' });
    expect(partition).toMatchObject({ region: 'eu-west-3', accountId: '210987654321' });
    const row = toSecurityFinding(alert, { ...context, lake: { region: 'eu-west-3', accountId: '210987654321' } });
    expect(row.cloud).not.toHaveProperty('region');
    expect(row.cloud).not.toHaveProperty('account');
  });

  it('keeps an identity name that is not an OCSF email_t in unmapped', () => {
    const golden = cases.find((candidate) => candidate.file === 'cloud-aws-open-full.json')!;
    const alert = Alert.parse({ ...(golden.alert as object), identity_name: 'alice.nguyen@localhost' });
    const row = toSecurityFinding(alert, context);
    expect(row.resources?.[0].owner).not.toHaveProperty('email_addr');
    expect(row.unmapped?.identity_name).toBe('alice.nguyen@localhost');
  });

  it('keeps the identity in unmapped when there is no identity_id to make an OCSF owner', () => {
    const golden = cases.find((candidate) => candidate.file === 'cloud-aws-open-full.json')!;
    const { identity_id: _dropped, ...withoutIdentityId } = golden.alert as Record<string, unknown>;
    const row = toSecurityFinding(Alert.parse(withoutIdentityId), context);
    expect(row.resources?.[0]).not.toHaveProperty('owner');
    expect(row.unmapped).toMatchObject({
      identity_type: 'IAMUser',
      identity_source: 'Okta',
      identity_name: 'alice.nguyen@example.com',
      identity_power_category: 'Admin',
    });
    expect(validateSecurityFinding(row)).toEqual([]);
  });

  it('cuts an alert_description longer than string_t allows instead of refusing the alert', () => {
    const golden = cases.find((candidate) => candidate.file === 'cloud-aws-open-full.json')!;
    const alert = Alert.parse({ ...(golden.alert as object), alert_description: 'x'.repeat(65536) });
    const row = toSecurityFinding(alert, context);
    expect(row.message).toHaveLength(65535);
    expect(row.message?.endsWith('…')).toBe(true);
    expect(validateSecurityFinding(row)).toEqual([]);
  });

  it('builds the context from the process config and the integration settings', () => {
    const built = mappingContextFor(
      { PRODUCT_NAME: 'Posture Guard', PRODUCT_VENDOR: 'Acme Security', PRODUCT_VERSION: '2.4.1' },
      { region: 'us-east-2', roleArn: 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-posture-us-east-2' },
    );
    expect(built).toEqual(context);
  });
});
