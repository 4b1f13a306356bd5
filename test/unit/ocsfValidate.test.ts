/**
 * The validator against the real policy catalog (every policy maps to a valid
 * row) and against deliberately broken rows (each refused with its exact
 * attribute path).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alert } from '../../src/domain/alerts';
import { EMITTED_ATTRIBUTE_PATHS } from '../../src/domain/ocsf/emittedAttributes';
import { toSecurityFinding, type MappingContext, type SecurityFinding } from '../../src/domain/ocsf/mapping';
import { SECURITY_FINDING_SCHEMA_PATH, securityFindingSchema, type ResolvedClassSchema } from '../../src/domain/ocsf/schema';
import {
  OcsfValidationError,
  SecurityFindingValidator,
  assertValidSecurityFinding,
  validateSecurityFinding,
  type OcsfIssue,
} from '../../src/domain/ocsf/validate';
import { alertsForEveryPolicy, generateAlerts, loadPolicyCatalog, type CatalogSelection } from '../../src/samples/policyCatalogAlerts';

const SHARED_SCHEMA = join(__dirname, '..', '..', '..', 'shared', 'ocsf', 'security_finding_2001_v1.1.0.json');

const context: MappingContext = {
  product: { name: 'Posture Guard', vendorName: 'Acme Security', version: '2.4.1' },
  lake: { region: 'us-east-2', accountId: '123456789012' },
};

/** A known-good row (hand-checked in the golden tests) to break in one place at a time. */
const GOOD_ROW = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'golden', 'cloud-aws-open-full.json'), 'utf8')).expected as SecurityFinding;

function brokenRow(change: (row: any) => void): unknown {
  const row = structuredClone(GOOD_ROW);
  change(row);
  return row;
}

function paths(issues: OcsfIssue[]): string[] {
  return issues.map((issue) => issue.path);
}

describe('the vendored schema', () => {
  const sharedExists = existsSync(SHARED_SCHEMA);
  (sharedExists ? it : it.skip)('equals the shared copy in ../shared/ocsf', () => {
    expect(readFileSync(SECURITY_FINDING_SCHEMA_PATH)).toEqual(readFileSync(SHARED_SCHEMA));
  });

  it('is OCSF 1.1.0 Security Finding', () => {
    expect(securityFindingSchema.ocsf_version).toBe('1.1.0');
    expect(securityFindingSchema.class.uid).toBe(2001);
    expect(securityFindingSchema.class.category_uid).toBe(2);
  });
});

describe('every policy of the catalog maps to a valid row', () => {
  describe.each<CatalogSelection>(['selected', 'all'])('catalog %s', (selection) => {
    const catalog = loadPolicyCatalog({ catalog: selection });
    const alerts = alertsForEveryPolicy({ seed: 'ocsf-validate', catalog: selection });

    it('has one alert per policy, each a valid alert', () => {
      expect(alerts).toHaveLength(catalog.cloud.length + catalog.iac.length);
      const cloudKeys = new Set(alerts.flatMap((alert) => (alert.alert_type === 'cloud' ? [`${alert.csp}/${alert.policy_id}`] : [])));
      const iacKeys = new Set(alerts.flatMap((alert) => (alert.alert_type === 'iac' ? [`${alert.scan_plugin}/${alert.policy_id}`] : [])));
      expect(cloudKeys).toEqual(new Set(catalog.cloud.map((policy) => `${policy.csp}/${policy.policy_id}`)));
      expect(iacKeys).toEqual(new Set(catalog.iac.map((policy) => `${policy.scan_plugin}/${policy.policy_id}`)));
      for (const alert of alerts) expect(Alert.safeParse(alert).success).toBe(true);
      expect(new Set(alerts.map((alert) => alert.alert_id)).size).toBe(alerts.length);
    });

    it('validates every row', () => {
      const failures = alerts
        .map((alert) => ({ alertId: alert.alert_id, policy: alert.policy_id, issues: validateSecurityFinding(toSecurityFinding(alert, context)) }))
        .filter((result) => result.issues.length > 0);
      expect(failures).toEqual([]);
    });

    it('exercises the optional parts of the mapping', () => {
      const rows = alerts.map((alert) => toSecurityFinding(alert, context));
      expect(new Set(rows.map((row) => row.cloud.provider))).toEqual(new Set(['aws', 'azure', 'gcp', 'kubernetes', ...rows.filter((row) => row.metadata.log_name === 'iac_alerts').map((row) => row.cloud.provider)]));
      expect(new Set(rows.map((row) => row.severity_id))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
      expect(new Set(rows.map((row) => row.activity_id))).toEqual(new Set([1, 2, 3]));
      expect(rows.some((row) => row.resources?.[0].owner?.email_addr)).toBe(true);
      expect(rows.some((row) => row.unmapped?.identity_name)).toBe(true);
      expect(rows.some((row) => row.compliance)).toBe(true);
      expect(rows.some((row) => row.resources?.[0].namespace)).toBe(true);
    });
  });
});

describe('the sample generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = generateAlerts({ count: 50, seed: 7 });
    expect(generateAlerts({ count: 50, seed: 7 })).toEqual(first);
    expect(generateAlerts({ count: 60, seed: 7 }).slice(0, 50)).toEqual(first);
    expect(generateAlerts({ count: 50, seed: 8 })).not.toEqual(first);
  });

  it('keeps alerts within the requested days and kinds', () => {
    const alerts = generateAlerts({ count: 200, seed: 'days', kinds: ['cloud'], days: { from: '2026-02-27', count: 3 } });
    const days = new Set(alerts.map((alert) => (alert.alert_type === 'cloud' ? new Date(alert.csp_event_timestamp).toISOString().slice(0, 10) : 'iac')));
    expect([...days].sort()).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});

describe('broken rows are refused with the exact path', () => {
  it('accepts the unbroken row', () => {
    expect(validateSecurityFinding(GOOD_ROW)).toEqual([]);
  });

  const cases: Array<[string, (row: any) => void, string[]]> = [
    ['missing required class attribute', (row) => delete row.severity_id, ['severity_id']],
    ['missing required nested attribute', (row) => delete row.finding.uid, ['finding.uid']],
    ['missing required attribute deep in an array element', (row) => delete row.metadata.product.vendor_name, ['metadata.product.vendor_name']],
    ['missing compliance.standards (required in 1.1.0)', (row) => delete row.compliance.standards, ['compliance.standards']],
    ['resource with neither name nor uid (at_least_one)', (row) => {
      delete row.resources[0].uid;
      delete row.resources[0].name;
    }, ['resources[0]']],
    ['wrong enum id', (row) => (row.severity_id = 7), ['severity_id']],
    ['enum caption not matching its id', (row) => (row.state = 'Resolved'), ['state']],
    ['enum caption mismatch in a nested object', (row) => (row.resources[0].owner = { uid: 'u-1', type_id: 1, type: 'Admin' }), ['resources[0].owner.type']],
    ['unknown class attribute', (row) => (row.policy = { uid: 'p-1' }), ['policy']],
    ['unknown nested attribute', (row) => (row.resources[0].clusterName = 'eks-prod'), ['resources[0].clusterName']],
    ['wrong scalar type', (row) => (row.time = '1796026500000'), ['time']],
    ['non-integer integer_t', (row) => (row.severity_id = 3.5), ['severity_id']],
    ['integer_t beyond 32 bits', (row) => (row.activity_id = 2 ** 31), ['activity_id', 'type_uid']],
    ['scalar where an array belongs', (row) => (row.resources[0].labels = 'env:prod'), ['resources[0].labels']],
    ['array where a scalar belongs', (row) => (row.finding.title = ['a title']), ['finding.title']],
    ['object of the wrong type', (row) => (row.cloud.account = 'payments-prod'), ['cloud.account']],
    ['bad type_uid', (row) => {
      row.type_uid = 200102;
      row.type_name = 'Security Finding: Update';
    }, ['type_uid']],
    ['bad class_uid', (row) => {
      row.class_uid = 2004;
      delete row.class_name;
    }, ['class_uid', 'type_uid', 'class_uid']],
    ['datetime without the T', (row) => (row.time_dt = '2026-11-30 08:15:00Z'), ['time_dt']],
    ['datetime without a zone', (row) => (row.finding.created_time_dt = '2026-11-30T08:20:31.250'), ['finding.created_time_dt']],
    ['datetime that is not a date', (row) => (row.finding.modified_time_dt = '2026-13-45T10:00:00Z'), ['finding.modified_time_dt']],
    ['datetime not matching its timestamp', (row) => (row.time_dt = '2026-11-30T08:15:01.000Z'), ['time_dt']],
    ['email_t that is not an email', (row) => (row.resources[0].owner.email_addr = 'alice.nguyen'), ['resources[0].owner.email_addr']],
    ['string longer than string_t max_len', (row) => (row.message = 'x'.repeat(65536)), ['message']],
    ['null instead of absent', (row) => (row.status_detail = null), ['status_detail']],
    ['empty string instead of absent', (row) => (row.resources[0].owner.domain = ''), ['resources[0].owner.domain']],
    ['empty array instead of absent', (row) => (row.resources[0].labels = []), ['resources[0].labels']],
    ['unmapped value that is not a string', (row) => (row.unmapped.age = 3), ['unmapped.age']],
    ['json_t that is not plain JSON', (row) => (row.resources[0].data = { ratio: Number.NaN }), ['resources[0].data']],
    ['valid OCSF but not an emitted attribute', (row) => (row.confidence_score = 80), ['confidence_score']],
    ['profile attribute without its profile', (row) => (row.metadata.profiles = ['datetime']), ['cloud']],
    ['unknown profile', (row) => row.metadata.profiles.push('host'), ['metadata.profiles[2]']],
    ['other OCSF version', (row) => (row.metadata.version = '1.3.0'), ['metadata.version']],
  ];

  it.each(cases)('%s', (_name, change, expectedPaths) => {
    const issues = validateSecurityFinding(brokenRow(change));
    expect(paths(issues).sort()).toEqual([...expectedPaths].sort());
    for (const issue of issues) expect(issue.reason.length).toBeGreaterThan(10);
  });

  it('accepts any caption for 99 Other (the source value)', () => {
    expect(validateSecurityFinding(brokenRow((row) => (row.status = 'waiting-for-owner')))).toEqual([]);
  });

  it('says why, in words', () => {
    const [missing] = validateSecurityFinding(brokenRow((row) => delete row.finding.uid));
    expect(missing).toEqual({ path: 'finding.uid', reason: 'required attribute of object "finding" is missing' });
    const [caption] = validateSecurityFinding(brokenRow((row) => (row.state = 'Resolved')));
    expect(caption.reason).toBe('must be "New", the caption of state_id 1, got "Resolved"');
    const [typeUid] = validateSecurityFinding(brokenRow((row) => ((row.type_uid = 200102), (row.type_name = 'Security Finding: Update'))));
    expect(typeUid.reason).toBe('must be class_uid * 100 + activity_id = 2001 * 100 + 1 = 200101, got 200102');
  });

  it('refuses what is not an object', () => {
    expect(paths(validateSecurityFinding([]))).toEqual(['(row)']);
    expect(paths(validateSecurityFinding(null))).toEqual(['(row)']);
  });
});

describe('assertValidSecurityFinding', () => {
  it('passes a valid row', () => {
    expect(() => assertValidSecurityFinding(GOOD_ROW)).not.toThrow();
  });

  it('throws OcsfValidationError listing path: reason', () => {
    const row = brokenRow((row) => {
      delete row.finding.title;
      row.severity_id = 9;
    });
    let thrown: unknown;
    try {
      assertValidSecurityFinding(row);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OcsfValidationError);
    const error = thrown as OcsfValidationError;
    expect(paths([...error.issues]).sort()).toEqual(['finding.title', 'severity_id']);
    expect(error.message).toContain('finding.uid ALRT-2026-000731');
    expect(error.message).toContain('finding.title: required attribute of object "finding" is missing');
    expect(error.message).toMatch(/severity_id: number 9 is not a value of enum severity_id/);
  });
});

describe('the validator is compiled from the schema, not written by hand', () => {
  it('follows a change in the class definition', () => {
    const stricter = structuredClone(securityFindingSchema) as ResolvedClassSchema;
    stricter.objects.finding.attributes.desc.requirement = 'required';
    const validator = new SecurityFindingValidator(stricter, EMITTED_ATTRIBUTE_PATHS);
    const row = brokenRow((row) => delete row.finding.desc);
    expect(validateSecurityFinding(row)).toEqual([]);
    expect(paths(validator.validate(row))).toEqual(['finding.desc']);
  });

  it('refuses an emitted path the class does not define', () => {
    expect(() => new SecurityFindingValidator(securityFindingSchema, [...EMITTED_ATTRIBUTE_PATHS, 'finding.threat_category'])).toThrow(/finding\.threat_category/);
    expect(() => new SecurityFindingValidator(securityFindingSchema, ['resources.uid'])).toThrow(/is an array/);
  });
});

describe('vendored policy catalog', () => {
  const sharedCatalog = join(__dirname, '..', '..', '..', 'shared', 'data', 'policies');
  const files = ['cloud_policies.json', 'cloud_policies_all.json', 'iac_policies.json', 'iac_policies_all.json'];
  (existsSync(sharedCatalog) ? it : it.skip)('equals the shared copy in ../shared/data/policies', () => {
    for (const file of files) {
      expect(readFileSync(join(__dirname, '..', '..', 'data', 'policies', file), 'utf8')).toBe(readFileSync(join(sharedCatalog, file), 'utf8'));
    }
  });
});
