/**
 * Managing integrations and alert rules on the real local stack: test
 * connection per check, routing between integrations with overlapping rules,
 * disabling a rule, pause/resume, delete, and what the Web UI lists.
 */
import { cloudAlert, iacAlert } from '../support/alertFactory';
import { eventually, LAKE_BUCKET, READONLY_BUCKET, readLake, ROLE_ARN, startHarness, type Harness } from '../support/lake';

const FOREIGN_BUCKET = process.env.FOREIGN_BUCKET ?? 'security-lake-foreign';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('manage');
});

afterAll(async () => {
  await harness?.stop();
});

async function configured(label: string, flush = { maxFileAgeMs: 60_000 }) {
  const name = `${harness.runId}-${label}`;
  const folder = `ext/${name}`;
  await harness.client.createIntegration(name, { flush });
  await harness.client.configure(name, { roleArn: ROLE_ARN, bucket: LAKE_BUCKET, region: 'us-east-1', folder });
  return { name, folder };
}

describe('test connection', () => {
  let name: string;
  beforeAll(async () => {
    ({ name } = await configured('conn'));
  });

  const lake = (bucket: string, region = 'us-east-1') => ({ roleArn: ROLE_ARN, bucket, region, folder: 'ext/test' });
  const outcome = (result: { checks: { check: string; ok: boolean; skipped?: boolean; code?: string }[] }) =>
    result.checks.map((check) => `${check.check}:${check.skipped ? 'skipped' : check.ok ? 'ok' : check.code}`);

  test('a good configuration passes every check', async () => {
    const result = await harness.client.testConnection(name);
    expect(result.ok).toBe(true);
    expect(outcome(result)).toEqual(['assumeRole:ok', 'bucketExists:ok', 'bucketRegion:ok']);
  });

  test('a missing bucket fails bucketExists with NoSuchBucket and a hint about the name', async () => {
    const result = await harness.client.testConnection(name, lake(`security-lake-missing-${Date.now()}`));
    expect(outcome(result)).toEqual(['assumeRole:ok', 'bucketExists:NoSuchBucket', 'bucketRegion:skipped']);
    expect(result.checks[1].hint).toMatch(/bucket name/);
  });

  test('a bucket the exporter may not use fails with AccessDenied and a hint about permissions', async () => {
    const result = await harness.client.testConnection(name, lake(FOREIGN_BUCKET));
    expect(outcome(result)).toEqual(['assumeRole:ok', 'bucketExists:AccessDenied', 'bucketRegion:skipped']);
    expect(result.checks[1].hint).toMatch(/role policy/);
  });

  test('a wrong region fails bucketRegion and names the bucket region', async () => {
    const result = await harness.client.testConnection(name, lake(LAKE_BUCKET, 'eu-west-1'));
    expect(result.ok).toBe(false);
    const region = result.checks.find((check) => check.check === 'bucketRegion')!;
    expect(region.ok).toBe(false);
    expect(region.detail).toContain('us-east-1');
    expect(region.hint).toMatch(/region/);
  });

  test('invalid settings are refused before anything runs, naming the field', async () => {
    await expect(harness.client.testConnection(name, { ...lake(LAKE_BUCKET), roleArn: 'arn:aws:iam::12:user/bob' })).rejects.toThrow(/roleArn: must be an IAM role ARN/);
    await expect(harness.client.configure(name, { ...lake('Bad_Bucket'), folder: 'x' })).rejects.toThrow(/bucket: must use only lowercase/);
  });
});

describe('alert rules route alerts between integrations', () => {
  test('overlapping rules send each alert exactly where they match; disabling a rule stops new alerts going there', async () => {
    const prod = await configured('prod');
    const audit = await configured('audit');
    await harness.client.addRule({
      name: `${prod.name}-critical-prod`,
      alertType: 'cloud',
      target: prod.name,
      scope: { accounts: ['111122223333'] },
      policies: { severities: ['critical', 'high'] },
    });
    await harness.client.addRule({ name: `${audit.name}-all-cloud-aws`, alertType: 'cloud', target: audit.name, scope: { clouds: ['aws'] } });
    await harness.client.addRule({ name: `${audit.name}-iac-tagged`, alertType: 'iac', target: audit.name, scope: { tags: ['team:platform'] } });
    await expect(harness.client.addRule({ name: `${audit.name}-all-cloud-aws`, alertType: 'iac', target: prod.name })).rejects.toThrow(/already exists/);
    await expect(harness.client.addRule({ name: `${audit.name}-ghost`, alertType: 'iac', target: 'no-such-integration' })).rejects.toThrow(/does not exist/);

    const both = cloudAlert({ alert_id: 'both', account_id: '111122223333', risk: 'critical' });
    const auditOnlyLowRisk = cloudAlert({ alert_id: 'audit-only-low', account_id: '111122223333', risk: 'low' });
    const auditOnlyOtherAccount = cloudAlert({ alert_id: 'audit-only-account', account_id: '999988887777', risk: 'high' });
    const nowhereAzure = cloudAlert({ alert_id: 'nowhere-azure', csp: 'azure', account_id: '8f3c2a1e-5b6d-4c7e-9f80-1a2b3c4d5e6f', region: 'westeurope', risk: 'critical' });
    const iacAudit = iacAlert({ alert_id: 'iac-audit', tags: { team: 'platform' } });
    const iacNowhere = iacAlert({ alert_id: 'iac-nowhere', tags: { team: 'data' } });

    const report = await harness.client.publish([both, auditOnlyLowRisk, auditOnlyOtherAccount, nowhereAzure, iacAudit, iacNowhere]);
    expect(report.sent).toEqual({ [prod.name]: 1, [audit.name]: 4 });
    expect(report.notRouted).toBe(2);

    const explanation = await harness.client.explain(nowhereAzure);
    expect(explanation.exportedTo).toEqual([]);
    expect(explanation.summary).toMatch(/scope\.(clouds|accounts)/);

    await harness.client.flushNow(prod.name);
    await harness.client.flushNow(audit.name);
    expect((await readLake(LAKE_BUCKET, `${prod.folder}/`)).map((row) => row.uid).sort()).toEqual(['both']);
    expect((await readLake(LAKE_BUCKET, `${audit.folder}/`)).map((row) => row.uid).sort()).toEqual(
      ['audit-only-account', 'audit-only-low', 'both', 'iac-audit'].sort(),
    );

    // The workflow is authoritative: alerts signalled straight to it are still filtered by its own rules.
    await harness.client.publish([iacNowhere], { integration: prod.name });
    expect((await harness.client.status(prod.name)).counters.alertsNotRouted).toBe(1);

    await harness.client.setRuleEnabled(`${prod.name}-critical-prod`, false);
    const later = cloudAlert({ alert_id: 'after-disable', account_id: '111122223333', risk: 'critical' });
    const afterDisable = await harness.client.publish([later]);
    expect(afterDisable.sent).toEqual({ [audit.name]: 1 });
    await harness.client.flushNow(prod.name);
    await harness.client.flushNow(audit.name);
    expect((await readLake(LAKE_BUCKET, `${prod.folder}/`)).map((row) => row.uid)).toEqual(['both']);
    expect((await readLake(LAKE_BUCKET, `${audit.folder}/`)).map((row) => row.uid)).toContain('after-disable');

    const rules = await harness.client.listRules(prod.name);
    expect(rules.map((rule) => [rule.name, rule.enabled])).toEqual([[`${prod.name}-critical-prod`, false]]);
    await harness.client.removeRule(`${audit.name}-iac-tagged`);
    expect((await harness.client.listRules(audit.name)).map((rule) => rule.name)).toEqual([`${audit.name}-all-cloud-aws`]);
  });
});

describe('integration lifecycle', () => {
  test('list and the Web UI show each integration with its status; pause holds files; delete flushes and ends', async () => {
    const { name, folder } = await configured('life', { maxFileAgeMs: 300 });
    await harness.client.addRule({ name: `${name}-all`, alertType: 'cloud', target: name });

    const listed = await eventually(() => harness.client.list(), (listings) => listings.some((listing) => listing.name === name), 15_000);
    expect(listed.find((listing) => listing.name === name)?.status).toBe('Pending');

    await harness.client.pause(name);
    await harness.client.publish([cloudAlert(), cloudAlert()]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const paused = await harness.client.status(name);
    expect(paused.paused).toBe(true);
    expect(paused.counters.rowsExported).toBe(0);
    expect(paused.pending.alerts).toBe(2);

    await harness.client.resume(name);
    const resumed = await eventually(() => harness.client.status(name), (status) => status.counters.rowsExported === 2 && status.status === 'Success', 20_000);
    expect(resumed.status).toBe('Success');
    expect(resumed.lastExportTime).toBeDefined();

    const webUi = await eventually(
      () => harness.client.list(),
      (listings) => listings.find((listing) => listing.name === name)?.status === 'Success',
      15_000,
    );
    expect(webUi.find((listing) => listing.name === name)?.status).toBe('Success');

    await harness.client.publish([cloudAlert()]);
    const summary = await harness.client.deleteIntegration(name);
    expect(summary.pendingRows).toBe(0);
    expect(await readLake(LAKE_BUCKET, `${folder}/`)).toHaveLength(3);
    await expect(harness.client.status(name)).rejects.toThrow(/does not exist/);
    // The name is free again once the integration is deleted.
    await harness.client.createIntegration(name);
  });

  test('delete of a paused integration still makes the final flush', async () => {
    const { name, folder } = await configured('paused-delete');
    await harness.client.addRule({ name: `${name}-all`, alertType: 'cloud', target: name });
    await harness.client.pause(name);
    await harness.client.publish([cloudAlert(), cloudAlert(), cloudAlert()]);
    const summary = await harness.client.deleteIntegration(name);
    expect(summary.rows).toBe(3);
    expect(summary.pendingRows).toBe(0);
    expect(await readLake(LAKE_BUCKET, `${folder}/`)).toHaveLength(3);
  });

  test('a Failed integration shows the reason and since when', async () => {
    const name = `${harness.runId}-failed`;
    await harness.client.createIntegration(name, { flush: { maxFileAgeMs: 60_000, failedRetryMs: 3_600_000 } });
    await harness.client.configure(name, { roleArn: ROLE_ARN, bucket: READONLY_BUCKET, region: 'us-east-1', folder: 'ext/failed' });
    await harness.client.addRule({ name: `${name}-all`, alertType: 'cloud', target: name });
    await harness.client.publish([cloudAlert()]);
    await harness.client.flushNow(name);
    const status = await harness.client.status(name);
    expect(status.status).toBe('Failed');
    expect(status.statusReason).toMatch(/AccessDenied/);
    expect(Date.parse(status.statusSince)).toBeGreaterThan(Date.now() - 60_000);
    expect(status.nextRetryAt).toBeDefined();
  });
});
