/**
 * Security Finding rows for the Parquet tests and the benchmark: realistic
 * rows from the policy catalog through the real mapping, and hand-made rows
 * that reach the corners of the schema (nulls inside lists, empty lists and
 * maps, non-ASCII text, every kind of json_t value, offsets in *_dt).
 */
import type { MappingContext, SecurityFinding } from '../../src/domain/ocsf/mapping';
import { toSecurityFinding } from '../../src/domain/ocsf/mapping';
import type { CatalogSelection } from '../../src/samples/policyCatalogAlerts';
import { alertsForEveryPolicy, generateAlerts } from '../../src/samples/policyCatalogAlerts';

export const TEST_MAPPING_CONTEXT: MappingContext = {
  product: { name: 'Posture Guard', vendorName: 'Example Security', version: '4.2.0' },
  lake: { region: 'us-east-2', accountId: '123456789012' },
};

/** Sorted by `time` (then finding uid), as the flush activity hands rows to the writer. */
export function sortByTime<T extends { time: number; finding: { uid: string } }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.time - b.time || (a.finding.uid < b.finding.uid ? -1 : a.finding.uid > b.finding.uid ? 1 : 0));
}

/** One row per policy of the catalog (cloud and IaC), sorted by time. */
export function catalogFindingRows(options: { catalog?: CatalogSelection; seed?: string } = {}): SecurityFinding[] {
  const alerts = alertsForEveryPolicy({ seed: options.seed ?? 'parquet-every-policy', catalog: options.catalog ?? 'all' });
  return sortByTime(alerts.map((alert) => toSecurityFinding(alert, TEST_MAPPING_CONTEXT)));
}

/** `count` realistic rows for randomly drawn policies, sorted by time (benchmark input). */
export function randomFindingRows(count: number, seed = 'parquet-bench'): SecurityFinding[] {
  return sortByTime(generateAlerts({ count, seed, catalog: 'all' }).map((alert) => toSecurityFinding(alert, TEST_MAPPING_CONTEXT)));
}

const BASE_TIME = Date.UTC(2026, 10, 30, 8, 15, 0, 0);

/** A minimal valid-shaped row; `overrides` replace top-level attributes. */
export function handRow(index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const time = BASE_TIME + index * 1000;
  return {
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2001,
    class_name: 'Security Finding',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200101,
    type_name: 'Security Finding: Create',
    time,
    time_dt: new Date(time).toISOString(),
    severity_id: 4,
    severity: 'High',
    state_id: 1,
    state: 'New',
    status_id: 99,
    status: 'open',
    message: `S3 bucket customer-data-${index} allows public read access`,
    finding: {
      uid: `finding-${index}`,
      title: 'Ensure that S3 buckets are not publicly accessible',
      desc: 'Cloud security posture alert.',
      created_time: time - 60_000,
      created_time_dt: new Date(time - 60_000).toISOString(),
      types: ['Configuration'],
    },
    cloud: { provider: 'aws', region: 'us-east-1', account: { uid: '111122223333', name: 'prod' } },
    resources: [{ uid: `arn:aws:s3:::customer-data-${index}`, name: `customer-data-${index}`, type: 'AwsS3Bucket', labels: ['env:prod'], data: { details: 'static' } }],
    metadata: {
      version: '1.1.0',
      uid: `finding-${index}@1`,
      log_name: 'cloud_alerts',
      profiles: ['cloud', 'datetime'],
      product: { name: 'Posture Guard', vendor_name: 'Example Security', version: '4.2.0' },
    },
    unmapped: { policy_id: 's3_bucket_public_access', age: String(index) },
    ...overrides,
  };
}

/** Rows that reach the corners of the schema; each one differs from handRow in a documented way. */
export function edgeCaseRows(): Array<Record<string, unknown>> {
  return [
    handRow(0),
    // Nothing optional at all: absent structs, lists and map.
    handRow(1, { message: undefined, resources: undefined, unmapped: undefined, finding: { uid: 'f1', title: 't' }, cloud: { provider: 'gcp' } }),
    // Empty lists and an empty map are not null.
    handRow(2, {
      resources: [],
      unmapped: {},
      finding: { uid: 'f2', title: 't', types: [] },
      compliance: { standards: [], requirements: [] },
    }),
    // Nulls inside lists, structs with every field null, nested lists of structs.
    handRow(3, {
      finding: { uid: 'f3', title: 't', types: [null, 'TTPs', null] },
      resources: [
        null,
        {},
        {
          uid: 'r',
          labels: ['a', null, 'b'],
          owner: { name: '', uid: 'u-1', type: 'User', type_id: 99, domain: 'Okta', email_addr: 'a@example.com', groups: [{ name: 'Admin' }, null, {}, { name: 'Ops' }] },
        },
        { owner: { groups: [] } },
      ],
      unmapped: { a: 'x', b: null, '': 'empty key', 'key with spaces': '' },
    }),
    // Text beyond ASCII: accents, CJK, emoji (surrogate pairs) and a private-use character (orders after surrogates in UTF-8).
    handRow(4, {
      message: 'Zugriff verweigert – ünïcødé 日本語 🚨🔥 \uE000 end',
      resources: [{ name: '🪣 bucket', labels: ['tag:値', 'emoji:🙂'], data: { text: 'ü 🚨' } }],
      unmapped: { 'ключ': 'значение', emoji: '🙂' },
    }),
    // Every json_t shape: string, number, boolean, null inside, array, nested object.
    handRow(5, {
      resources: [
        { data: 'just a string' },
        { data: 42.5 },
        { data: false },
        { data: [1, 'two', null, { three: 3 }] },
        { data: { nested: { deeper: [true, { x: 'y' }] }, nothing: null } },
      ],
    }),
    // *_dt with an offset and without milliseconds; INT32 / INT64 extremes.
    handRow(6, {
      time_dt: '2026-11-30T10:15:06+02:00',
      finding: { uid: 'f6', title: 't', created_time: 0, created_time_dt: '1970-01-01T00:00:00Z', modified_time: -1, modified_time_dt: '1969-12-31T23:59:59.999Z' },
      severity_id: 2147483647,
      confidence_id: -2147483648,
      type_uid: 9007199254740991,
    }),
    // bigint for a long_t and a Date for a datetime_t are accepted too.
    handRow(7, { type_uid: 200102n, finding: { uid: 'f7', title: 't', modified_time_dt: new Date(BASE_TIME) } }),
  ];
}
