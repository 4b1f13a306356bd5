import { Alert, type AlertInput } from '../../src/domain/alerts';
import { InvalidInputError } from '../../src/domain/integration';
import {
  AlertRule,
  AlertRules,
  type AlertRuleInput,
  DuplicateRuleNameError,
  RuleNotFoundError,
  RuleUpdate,
  addRule,
  assertUniqueRuleNames,
  explainAlert,
  findRule,
  formatExplanation,
  integrationAccepts,
  matchRule,
  parseRule,
  removeRule,
  routeAlert,
  routeAlerts,
  ruleFilters,
  ruleMatches,
  rulesForIntegration,
  setRuleEnabled,
  summarizeRule,
  updateRule,
} from '../../src/domain/rules';

// ---------------------------------------------------------------------------
// Realistic alerts, valid per the Alert schema
// ---------------------------------------------------------------------------

function cloudAlert(overrides: Partial<Extract<AlertInput, { alert_type: 'cloud' }>> = {}): Alert {
  return Alert.parse({
    alert_type: 'cloud',
    alert_id: 'P-1001',
    alert_status: 'open',
    alert_description: 'S3 bucket allows public read access',
    alert_created_dt: '2026-11-30T08:15:00Z',
    policy_id: '7f2c1a9e-0b4d-4d8e-9a51-3c2f6e8b1d20',
    policy_name: 'AWS S3 bucket publicly readable',
    policy_type: 'config',
    compliance_benchmark: 'CIS-7.0',
    compliance_control_number: '2.1.5',
    business_unit: 'Payments',
    tags: { env: 'prod', owner: 'team-pay', 'aws:cloudformation:stack-name': 'web-stack' },
    risk: 'high',
    csp: 'aws',
    csp_event_timestamp: '2026-11-30T08:14:00Z',
    policy_threat_category: 'Data Exposure',
    account_id: '123456789012',
    account_name: 'payments-prod',
    region: 'us-east-1',
    resource_id: 'arn:aws:s3:::payments-invoices',
    resource_name: 'payments-invoices',
    resource_type: 'AWS::S3::Bucket',
    ...overrides,
  });
}

function iacAlert(overrides: Partial<Extract<AlertInput, { alert_type: 'iac' }>> = {}): Alert {
  return Alert.parse({
    alert_type: 'iac',
    alert_id: 'IAC-42',
    alert_status: 'open',
    alert_created_dt: '2026-11-30T09:00:00Z',
    policy_id: 'iac-sg-open-22',
    policy_name: 'Security group allows SSH from 0.0.0.0/0',
    policy_type: 'iac',
    compliance_benchmark: 'CIS-7.0',
    business_unit: 'Platform',
    tags: { repo: 'infra-live' },
    severity: 'critical',
    scan_plugin: 'terraform',
    csp: 'aws',
    policy_categories: ['NETWORKING', 'IAM'],
    repository: 'github.com/acme/infra-live',
    file_path: 'modules/bastion/main.tf',
    ...overrides,
  });
}

const rule = (input: Partial<AlertRuleInput> & { name?: string } = {}): AlertRule =>
  AlertRule.parse({ name: 'r', alertType: 'cloud', target: 'lake-prod', ...input });

/** Both paths must agree: matchRule (explain) and ruleMatches (fast path). */
function matches(r: AlertRule, alert: Alert): boolean {
  const fast = ruleMatches(r, alert);
  expect(matchRule(r, alert).matched).toBe(fast);
  return fast;
}

// ---------------------------------------------------------------------------
// Matching semantics
// ---------------------------------------------------------------------------

describe('matching: table', () => {
  const awsProdHigh = cloudAlert();
  const azureDevCritical = cloudAlert({
    alert_id: 'P-1002',
    csp: 'azure',
    account_id: '0f8e3c2a-7b1d-4e5f-9a6b-2c3d4e5f6a7b',
    region: 'westeurope',
    risk: 'critical',
    business_unit: 'Retail',
    tags: { Env: 'Dev' },
    compliance_benchmark: 'ISO 27001:2022',
    policy_threat_category: 'Network Exposure',
    policy_type: 'network',
  });
  const gcpNoExtras = cloudAlert({
    alert_id: 'P-1003',
    csp: 'gcp',
    account_id: 'acme-analytics',
    region: 'europe-west1',
    risk: 'low',
    business_unit: undefined,
    tags: {},
    compliance_benchmark: undefined,
    policy_threat_category: undefined,
    policy_type: undefined,
  });
  const tfAws = iacAlert();
  const cfnNoCsp = iacAlert({ alert_id: 'IAC-43', scan_plugin: 'cloudformation', csp: undefined, severity: undefined, policy_categories: [] });
  const tfNoCsp = iacAlert({ alert_id: 'IAC-44', scan_plugin: 'terraform', csp: undefined });

  const cases: Array<[string, AlertRuleInput, Alert, boolean]> = [
    // empty filters match anything (of the rule's type)
    ['empty cloud rule, aws alert', { name: 'all', alertType: 'cloud', target: 't' }, awsProdHigh, true],
    ['empty cloud rule, azure alert', { name: 'all', alertType: 'cloud', target: 't' }, azureDevCritical, true],
    ['empty cloud rule, alert without optional fields', { name: 'all', alertType: 'cloud', target: 't' }, gcpNoExtras, true],
    ['empty iac rule, iac alert', { name: 'all', alertType: 'iac', target: 't' }, tfAws, true],
    ['empty iac rule, iac alert without csp or severity', { name: 'all', alertType: 'iac', target: 't' }, cfnNoCsp, true],
    ['explicit empty lists', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: [], tags: [] }, policies: { severities: [] } }, gcpNoExtras, true],

    // alert type
    ['cloud rule never matches an iac alert', { name: 'x', alertType: 'cloud', target: 't' }, tfAws, false],
    ['iac rule never matches a cloud alert', { name: 'x', alertType: 'iac', target: 't' }, awsProdHigh, false],

    // alternatives within one filter (OR)
    ['clouds [aws, gcp] ~ aws', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws', 'gcp'] } }, awsProdHigh, true],
    ['clouds [aws, gcp] ~ gcp', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws', 'gcp'] } }, gcpNoExtras, true],
    ['clouds [aws, gcp] ~ azure', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws', 'gcp'] } }, azureDevCritical, false],
    ['severities [critical, high] ~ high', { name: 'x', alertType: 'cloud', target: 't', policies: { severities: ['critical', 'high'] } }, awsProdHigh, true],
    ['severities [critical, high] ~ low', { name: 'x', alertType: 'cloud', target: 't', policies: { severities: ['critical', 'high'] } }, gcpNoExtras, false],
    ['accounts alternatives', { name: 'x', alertType: 'cloud', target: 't', scope: { accounts: ['111111111111', '123456789012'] } }, awsProdHigh, true],
    ['regions alternatives miss', { name: 'x', alertType: 'cloud', target: 't', scope: { regions: ['eu-west-1', 'eu-central-1'] } }, awsProdHigh, false],
    ['policy ids explicit selection', { name: 'x', alertType: 'cloud', target: 't', policies: { policyIds: ['other', '7f2c1a9e-0b4d-4d8e-9a51-3c2f6e8b1d20'] } }, awsProdHigh, true],
    ['policy types', { name: 'x', alertType: 'cloud', target: 't', policies: { policyTypes: ['network', 'anomaly'] } }, azureDevCritical, true],
    ['threat categories (cloud: policy_threat_category)', { name: 'x', alertType: 'cloud', target: 't', policies: { threatCategories: ['Data Exposure'] } }, awsProdHigh, true],

    // AND across filters
    ['aws AND critical ~ aws high', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws'] }, policies: { severities: ['critical'] } }, awsProdHigh, false],
    ['aws AND critical ~ azure critical', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws'] }, policies: { severities: ['critical'] } }, azureDevCritical, false],
    ['aws AND high ~ aws high', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['aws'] }, policies: { severities: ['high'] } }, awsProdHigh, true],
    [
      'every filter set and matching',
      {
        name: 'x',
        alertType: 'cloud',
        target: 't',
        scope: { businessUnits: ['Payments'], clouds: ['aws'], accounts: ['123456789012'], regions: ['us-east-1'], tags: ['env:prod'] },
        policies: { complianceBenchmarks: ['CIS-7.0'], severities: ['high'], threatCategories: ['Data Exposure'], policyTypes: ['config'], policyIds: ['7f2c1a9e-0b4d-4d8e-9a51-3c2f6e8b1d20'] },
      },
      awsProdHigh,
      true,
    ],
    [
      'every filter set, one (benchmark) failing',
      {
        name: 'x',
        alertType: 'cloud',
        target: 't',
        scope: { businessUnits: ['Payments'], clouds: ['aws'], accounts: ['123456789012'], regions: ['us-east-1'], tags: ['env:prod'] },
        policies: { complianceBenchmarks: ['PCI DSS v4.0'], severities: ['high'] },
      },
      awsProdHigh,
      false,
    ],

    // tags: key:value, key alone
    ['tag env:prod ~ env=prod', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env:prod'] } }, awsProdHigh, true],
    ['tag env:dev ~ env=prod', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env:dev'] } }, awsProdHigh, false],
    ['tag key only env ~ env=prod', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env'] } }, awsProdHigh, true],
    ['tag key only env ~ Env=Dev', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env'] } }, azureDevCritical, true],
    ['tag key only cost-center ~ absent', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['cost-center'] } }, awsProdHigh, false],
    ['tag alternatives: one present', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env:staging', 'owner:team-pay'] } }, awsProdHigh, true],
    ['tag filter ~ alert without tags', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env'] } }, gcpNoExtras, false],
    ['tag value is not a key', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['prod'] } }, awsProdHigh, false],
    ['tag key containing colons, key only', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['aws:cloudformation:stack-name'] } }, awsProdHigh, true],
    ['tag key containing colons, key:value', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['aws:cloudformation:stack-name:web-stack'] } }, awsProdHigh, true],
    ['tag key containing colons, wrong value', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['aws:cloudformation:stack-name:api'] } }, awsProdHigh, false],
    ['tag key: with empty value', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['team:'] } }, cloudAlert({ tags: { team: '' } }), true],

    // case-insensitive everywhere
    ['cloud AWS (upper case) ~ aws', { name: 'x', alertType: 'cloud', target: 't', scope: { clouds: ['AWS'] } }, awsProdHigh, true],
    ['severity HIGH ~ high', { name: 'x', alertType: 'cloud', target: 't', policies: { severities: ['HIGH'] } }, awsProdHigh, true],
    ['benchmark cis-7.0 ~ CIS-7.0', { name: 'x', alertType: 'cloud', target: 't', policies: { complianceBenchmarks: ['cis-7.0'] } }, awsProdHigh, true],
    ['benchmark is compared whole: CIS ~ CIS-7.0', { name: 'x', alertType: 'cloud', target: 't', policies: { complianceBenchmarks: ['CIS'] } }, awsProdHigh, false],
    ['business unit payments ~ Payments', { name: 'x', alertType: 'cloud', target: 't', scope: { businessUnits: ['payments'] } }, awsProdHigh, true],
    ['tag env:dev ~ Env=Dev', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['env:dev'] } }, azureDevCritical, true],
    ['tag ENV:PROD ~ env=prod', { name: 'x', alertType: 'cloud', target: 't', scope: { tags: ['ENV:PROD'] } }, awsProdHigh, true],
    ['threat category data exposure ~ Data Exposure', { name: 'x', alertType: 'cloud', target: 't', policies: { threatCategories: ['data exposure'] } }, awsProdHigh, true],
    ['policy ID upper case ~ lower case', { name: 'x', alertType: 'cloud', target: 't', policies: { policyIds: ['7F2C1A9E-0B4D-4D8E-9A51-3C2F6E8B1D20'] } }, awsProdHigh, true],
    ['region US-EAST-1 (normalised) ~ us-east-1', { name: 'x', alertType: 'cloud', target: 't', scope: { regions: [' US-EAST-1 '] } }, awsProdHigh, true],

    // missing alert fields never match a non-empty filter
    ['business unit filter ~ alert without business unit', { name: 'x', alertType: 'cloud', target: 't', scope: { businessUnits: ['Payments'] } }, gcpNoExtras, false],
    ['benchmark filter ~ alert without benchmark', { name: 'x', alertType: 'cloud', target: 't', policies: { complianceBenchmarks: ['CIS-7.0'] } }, gcpNoExtras, false],
    ['threat filter ~ alert without threat category', { name: 'x', alertType: 'cloud', target: 't', policies: { threatCategories: ['Data Exposure'] } }, gcpNoExtras, false],

    // IaC alerts
    ['iac clouds [aws] ~ csp aws', { name: 'x', alertType: 'iac', target: 't', scope: { clouds: ['aws'] } }, tfAws, true],
    ['iac clouds [aws] ~ cloudformation without csp (implied aws)', { name: 'x', alertType: 'iac', target: 't', scope: { clouds: ['aws'] } }, cfnNoCsp, true],
    ['iac clouds [azure] ~ cloudformation without csp', { name: 'x', alertType: 'iac', target: 't', scope: { clouds: ['azure'] } }, cfnNoCsp, false],
    ['iac clouds [aws] ~ terraform without csp', { name: 'x', alertType: 'iac', target: 't', scope: { clouds: ['aws'] } }, tfNoCsp, false],
    ['iac severities ~ critical', { name: 'x', alertType: 'iac', target: 't', policies: { severities: ['critical'] } }, tfAws, true],
    ['iac severities ~ alert without severity', { name: 'x', alertType: 'iac', target: 't', policies: { severities: ['critical', 'high', 'medium', 'low', 'informational'] } }, cfnNoCsp, false],
    ['iac threat categories ~ one of policy_categories', { name: 'x', alertType: 'iac', target: 't', policies: { threatCategories: ['iam'] } }, tfAws, true],
    ['iac threat categories ~ none of policy_categories', { name: 'x', alertType: 'iac', target: 't', policies: { threatCategories: ['SECRETS'] } }, tfAws, false],
    ['iac threat categories ~ empty policy_categories', { name: 'x', alertType: 'iac', target: 't', policies: { threatCategories: ['IAM'] } }, cfnNoCsp, false],
    ['iac business unit, tags, benchmark, type, id', { name: 'x', alertType: 'iac', target: 't', scope: { businessUnits: ['platform'], tags: ['repo:infra-live'] }, policies: { complianceBenchmarks: ['CIS-7.0'], policyTypes: ['IaC'], policyIds: ['iac-sg-open-22'] } }, tfAws, true],
  ];

  it.each(cases)('%s', (_title, input, alert, expected) => {
    expect(matches(AlertRule.parse(input), alert)).toBe(expected);
  });
});

describe('matching: enabled and IaC limits', () => {
  it('a disabled rule never routes, though its filters match', () => {
    const disabled = rule({ name: 'pay', enabled: false, scope: { businessUnits: ['Payments'] } });
    const alert = cloudAlert();
    expect(matches(disabled, alert)).toBe(false);
    const match = matchRule(disabled, alert);
    expect(match).toMatchObject({ rule: 'pay', enabled: false, matched: false, filtersMatched: true, failed: ['enabled'] });
    expect(routeAlert(alert, [disabled])).toEqual([]);
    expect(integrationAccepts(alert, [disabled], 'lake-prod')).toBe(false);
  });

  it('refuses account and region filters on IaC rules, naming the field', () => {
    expect(() => parseRule({ name: 'iac-acct', alertType: 'iac', target: 't', scope: { accounts: ['123456789012'] } })).toThrow(
      /scope\.accounts: IaC alerts have no cloud account/,
    );
    expect(() => parseRule({ name: 'iac-reg', alertType: 'iac', target: 't', scope: { regions: ['us-east-1'] } })).toThrow(/scope\.regions: IaC alerts have no region/);
  });

  it('an IaC alert never matches a non-empty account or region filter (rule built without the schema)', () => {
    const base = rule({ name: 'iac', alertType: 'iac' });
    const withAccount: AlertRule = { ...base, scope: { ...base.scope, accounts: ['123456789012'] } };
    const withRegion: AlertRule = { ...base, scope: { ...base.scope, regions: ['us-east-1'] } };
    const alert = iacAlert();
    expect(matches(withAccount, alert)).toBe(false);
    expect(matches(withRegion, alert)).toBe(false);
    const check = matchRule(withAccount, alert).checks.find((c) => c.filter === 'scope.accounts');
    expect(check).toMatchObject({ outcome: 'no-match', actual: undefined, note: 'IaC alerts have no cloud account' });
  });

  it('reports an implied IaC cloud in the check note', () => {
    const check = matchRule(rule({ alertType: 'iac', scope: { clouds: ['aws'] } }), iacAlert({ scan_plugin: 'cloudformation', csp: undefined })).checks.find(
      (c) => c.filter === 'scope.clouds',
    );
    expect(check).toMatchObject({ outcome: 'match', actual: 'aws', note: expect.stringContaining('scan plugin cloudformation') });
  });

  it('matchRule reports one check per filter, in order, with expected and actual values', () => {
    const match = matchRule(rule({ name: 'prod', scope: { accounts: ['111111111111'] }, policies: { severities: ['high'] } }), cloudAlert());
    expect(match.checks.map((c) => c.filter)).toEqual([...ruleFilters]);
    const byFilter = Object.fromEntries(match.checks.map((c) => [c.filter, c]));
    expect(byFilter['enabled']).toMatchObject({ outcome: 'match' });
    expect(byFilter['alertType']).toMatchObject({ outcome: 'match', expected: ['cloud'], actual: 'cloud' });
    expect(byFilter['scope.accounts']).toMatchObject({ outcome: 'no-match', expected: ['111111111111'], actual: '123456789012' });
    expect(byFilter['policies.severities']).toMatchObject({ outcome: 'match', expected: ['high'], actual: 'high' });
    expect(byFilter['scope.regions']).toMatchObject({ outcome: 'any', expected: [], actual: 'us-east-1' });
    expect(byFilter['scope.tags']!.actual).toEqual(['env:prod', 'owner:team-pay', 'aws:cloudformation:stack-name:web-stack']);
    expect(match).toMatchObject({ matched: false, filtersMatched: false, failed: ['scope.accounts'] });
  });
});

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

describe('routing', () => {
  const rules: AlertRule[] = [
    rule({ name: 'prod-critical', target: 'lake-prod', scope: { tags: ['env:prod'] }, policies: { severities: ['critical', 'high'] } }),
    rule({ name: 'payments', target: 'lake-pay', scope: { businessUnits: ['Payments'] } }),
    rule({ name: 'aws-all', target: 'lake-prod', scope: { clouds: ['aws'] } }),
    rule({ name: 'eu', target: 'lake-eu', scope: { regions: ['eu-west-1'] } }),
    rule({ name: 'old', target: 'lake-old', enabled: false }),
    rule({ name: 'iac', alertType: 'iac', target: 'lake-iac' }),
  ];

  it('routes to several integrations, once each, in rule order', () => {
    expect(routeAlert(cloudAlert(), rules)).toEqual(['lake-prod', 'lake-pay']);
  });

  it('routes nowhere when no enabled rule matches', () => {
    const alert = cloudAlert({ csp: 'gcp', account_id: 'acme-analytics', region: 'us-central1', business_unit: 'Retail', tags: {} });
    expect(routeAlert(alert, rules)).toEqual([]);
  });

  it('routes IaC alerts only by IaC rules', () => {
    expect(routeAlert(iacAlert(), rules)).toEqual(['lake-iac']);
  });

  it('routes a batch per integration, listing what goes nowhere', () => {
    const a = cloudAlert({ alert_id: 'a' });
    const b = cloudAlert({ alert_id: 'b', region: 'eu-west-1', csp: 'azure', account_id: 'sub-1', business_unit: 'Retail', tags: {} });
    const c = cloudAlert({ alert_id: 'c', csp: 'gcp', account_id: 'proj-1', region: 'us-central1', business_unit: undefined, tags: {} });
    const d = iacAlert({ alert_id: 'd' });
    const routed = routeAlerts([a, b, c, d], rules);
    expect([...routed.byIntegration.entries()].map(([name, alerts]) => [name, alerts.map((alert) => alert.alert_id)])).toEqual([
      ['lake-prod', ['a']],
      ['lake-pay', ['a']],
      ['lake-eu', ['b']],
      ['lake-iac', ['d']],
    ]);
    expect(routed.unrouted.map((alert) => alert.alert_id)).toEqual(['c']);
  });

  it('the integration re-check uses only its own rules', () => {
    expect(rulesForIntegration(rules, 'lake-prod').map((r) => r.name)).toEqual(['prod-critical', 'aws-all']);
    const euAlert = cloudAlert({ region: 'eu-west-1', csp: 'azure', account_id: 'sub-1', business_unit: 'Retail', tags: {} });
    expect(integrationAccepts(euAlert, rules, 'lake-eu')).toBe(true);
    expect(integrationAccepts(euAlert, rules, 'lake-prod')).toBe(false);
    expect(integrationAccepts(cloudAlert(), rules, 'lake-old')).toBe(false);
  });

  it('disabling a rule stops routing there; other rules to the same integration still route', () => {
    const off = setRuleEnabled(rules, 'payments', false);
    expect(routeAlert(cloudAlert(), off)).toEqual(['lake-prod']);
    const bothOff = setRuleEnabled(setRuleEnabled(rules, 'prod-critical', false), 'aws-all', false);
    expect(routeAlert(cloudAlert(), bothOff)).toEqual(['lake-pay']);
  });
});

// ---------------------------------------------------------------------------
// Explain
// ---------------------------------------------------------------------------

describe('explain', () => {
  const prodCritical = rule({ name: 'prod-critical', target: 'lake-prod', scope: { accounts: ['111111111111', '222222222222'] }, policies: { severities: ['critical'] } });
  const eu = rule({ name: 'eu', target: 'lake-eu', scope: { regions: ['eu-west-1'] } });
  const payments = rule({ name: 'payments', target: 'lake-pay', enabled: false, scope: { businessUnits: ['payments'] } });
  const iac = rule({ name: 'iac-all', alertType: 'iac', target: 'lake-iac' });

  it('names the failing filter with the alert value and the rule values', () => {
    const explanation = explainAlert(cloudAlert(), [prodCritical]);
    expect(explanation.exportedTo).toEqual([]);
    expect(explanation.rules[0]!.failed).toEqual(['scope.accounts', 'policies.severities']);
    expect(explanation.summary).toBe(
      "not exported anywhere: no enabled rule matches this cloud alert: rule 'prod-critical' failed scope.accounts " +
        '(alert account 123456789012 not in [111111111111, 222222222222]) and policies.severities (alert severity high not in [critical])',
    );
  });

  it('puts the closest rules first (disabled-but-matching, then fewest failures) and only counts rules of the other type', () => {
    const explanation = explainAlert(cloudAlert(), [iac, prodCritical, eu, payments]);
    expect(explanation.summary).toBe(
      "not exported anywhere: no enabled rule matches this cloud alert: rule 'payments' matches but is disabled; " +
        "rule 'eu' failed scope.regions (alert region us-east-1 not in [eu-west-1]); " +
        "rule 'prod-critical' failed scope.accounts (alert account 123456789012 not in [111111111111, 222222222222]) and policies.severities (alert severity high not in [critical]) " +
        '(1 other rule is for IaC alerts)',
    );
    expect(explanation.rules.map((m) => m.rule)).toEqual(['iac-all', 'prod-critical', 'eu', 'payments']);
  });

  it('says where the alert goes when it is exported', () => {
    const everything = rule({ name: 'everything', target: 'lake-all' });
    const explanation = explainAlert(cloudAlert(), [eu, everything, rule({ name: 'aws', target: 'lake-all', scope: { clouds: ['aws'] } })]);
    expect(explanation.exportedTo).toEqual(['lake-all']);
    expect(explanation.matchedRules).toEqual(['everything', 'aws']);
    expect(explanation.summary).toBe("exported to 'lake-all' by rules 'everything', 'aws'");
  });

  it('explains the empty rule set and the rule set without rules of the alert type', () => {
    expect(explainAlert(cloudAlert(), []).summary).toMatch(/^not exported anywhere: there are no alert rules/);
    expect(explainAlert(iacAlert(), [eu, prodCritical]).summary).toBe(
      'not exported anywhere: none of the 2 rules are for IaC alerts; create a rule with alert type iac',
    );
  });

  it('describes a missing alert field and an IaC alert without csp', () => {
    const noBu = explainAlert(cloudAlert({ business_unit: undefined }), [rule({ name: 'bu', scope: { businessUnits: ['Payments'] } })]);
    expect(noBu.summary).toContain("rule 'bu' failed scope.businessUnits (alert has no business unit, rule wants [Payments])");
    const tf = explainAlert(iacAlert({ csp: undefined }), [rule({ name: 'aws-iac', alertType: 'iac', scope: { clouds: ['aws'] } })]);
    expect(tf.summary).toContain("rule 'aws-iac' failed scope.clouds (alert has no cloud, rule wants [aws] - IaC alert has no csp and scan plugin terraform implies no cloud)");
  });

  it('mentions how many more rules fail beyond the first five', () => {
    const many = Array.from({ length: 7 }, (_, i) => rule({ name: `eu-${i}`, scope: { regions: ['eu-west-1'] } }));
    expect(explainAlert(cloudAlert(), many).summary).toMatch(/; and 2 more rules$/);
    expect(explainAlert(cloudAlert(), [...many, rule({ name: 'i', alertType: 'iac' })]).summary).toMatch(/; and 2 more rules \(1 other rule is for IaC alerts\)$/);
  });

  it('formats readable text naming each check', () => {
    const text = formatExplanation(explainAlert(cloudAlert(), [prodCritical, payments]));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Alert P-1001 (cloud, aws 123456789012 us-east-1, policy 7f2c1a9e-0b4d-4d8e-9a51-3c2f6e8b1d20)');
    expect(lines[1]).toBe('Exported to: nowhere');
    expect(text).toContain("Rule 'prod-critical' -> lake-prod [cloud, enabled]: no match (failed scope.accounts, policies.severities)");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}FAIL scope\.accounts +alert account 123456789012 not in \[111111111111, 222222222222\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}ok {3}alertType +cloud$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}any {2}\(empty filters\) +scope\.businessUnits, scope\.clouds, scope\.regions/));
    expect(text).toContain("Rule 'payments' -> lake-pay [cloud, disabled]: no match (rule is disabled; its filters match)");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}FAIL enabled +rule is disabled$/));
    expect(lines[lines.length - 1]).toMatch(/^Summary: not exported anywhere: .*rule 'payments' matches but is disabled/);
    const verbose = formatExplanation(explainAlert(cloudAlert(), [prodCritical]), { showEmptyFilters: true });
    expect(verbose).toMatch(/any {2}scope\.regions +\(empty filter\) alert has us-east-1/);
  });
});

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

describe('rule validation', () => {
  const valid = { name: 'prod-critical', alertType: 'cloud', target: 'lake-prod' } as const;

  it('applies defaults: enabled, every filter empty', () => {
    expect(parseRule(valid)).toEqual({
      name: 'prod-critical',
      alertType: 'cloud',
      enabled: true,
      scope: { businessUnits: [], clouds: [], accounts: [], regions: [], tags: [] },
      policies: { complianceBenchmarks: [], severities: [], threatCategories: [], policyTypes: [], policyIds: [] },
      target: 'lake-prod',
    });
  });

  it('normalises enum values and drops duplicate values', () => {
    const parsed = parseRule({ ...valid, name: '  Prod (EU) critical  ', alertType: 'Cloud', scope: { clouds: ['AWS', 'aws', ' Azure'], regions: ['EU-West-1'], accounts: ['ACME-Analytics'] }, policies: { severities: ['Critical'], complianceBenchmarks: ['CIS-7.0', 'cis-7.0'] } });
    expect(parsed.name).toBe('Prod (EU) critical');
    expect(parsed.alertType).toBe('cloud');
    expect(parsed.scope).toMatchObject({ clouds: ['aws', 'azure'], regions: ['eu-west-1'], accounts: ['acme-analytics'] });
    expect(parsed.policies).toMatchObject({ severities: ['critical'], complianceBenchmarks: ['CIS-7.0'] });
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['empty name', { ...valid, name: '   ' }, /^invalid alert rule: name: must not be empty$/],
    ['name too long', { ...valid, name: 'x'.repeat(101) }, /name: must be at most 100 characters/],
    ['name with unreadable characters', { ...valid, name: 'prod\ncritical' }, /name: must start with a letter or digit/],
    ['name starting with a symbol', { ...valid, name: '-prod' }, /name: must start with a letter or digit/],
    ['missing name', { alertType: 'cloud', target: 't' }, /name: must be a string/],
    ['unknown alert type', { ...valid, alertType: 'container' }, /alertType: unknown alert type "container": expected cloud or iac/],
    ['unknown cloud', { ...valid, scope: { clouds: ['aws', 'amazon'] } }, /scope\.clouds\.1: unknown cloud "amazon": expected one of aws, azure, gcp, kubernetes/],
    ['unknown severity', { ...valid, policies: { severities: ['urgent'] } }, /policies\.severities\.0: unknown severity "urgent": expected one of critical, high, medium, low, informational/],
    ['bad account', { ...valid, scope: { accounts: ['123 456'] } }, /scope\.accounts\.0: must be lowercase letters, digits and hyphens/],
    ['bad region', { ...valid, scope: { regions: ['us_east_1'] } }, /scope\.regions\.0: must be a cloud region name/],
    ['tag without key', { ...valid, scope: { tags: [':prod'] } }, /scope\.tags\.0: tag must be "key" or "key:value" with a non-empty key/],
    ['empty filter value', { ...valid, policies: { policyIds: [''] } }, /policies\.policyIds\.0: policy ID must not be empty/],
    ['filter not a list', { ...valid, scope: { clouds: 'aws' } }, /scope\.clouds: must be a list of values/],
    ['typo in a scope field', { ...valid, scope: { cloud: ['aws'] } }, /scope: unknown field "cloud": expected businessUnits, clouds, accounts, regions, tags/],
    ['typo in a top-level field', { ...valid, policy: {} }, /unknown field "policy"/],
    ['bad target', { ...valid, target: '' }, /target: must not be empty/],
    ['enabled not a boolean', { ...valid, enabled: 'yes' }, /enabled: must be true or false/],
  ];

  it.each(invalid)('refuses %s with a message naming the field', (_title, input, message) => {
    let error: unknown;
    try {
      parseRule(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
  });

  it('names the rule in the message when it has a name', () => {
    expect(() => parseRule({ ...valid, scope: { clouds: ['amazon'] } })).toThrow(/^invalid alert rule 'prod-critical': scope\.clouds\.0: unknown cloud/);
  });

  it('the update schema applies no defaults', () => {
    expect(RuleUpdate.parse({ scope: { clouds: ['AWS'] } })).toEqual({ scope: { clouds: ['aws'] } });
  });
});

// ---------------------------------------------------------------------------
// Rule sets
// ---------------------------------------------------------------------------

describe('rule set edits', () => {
  const base = addRule(addRule([], { name: 'prod-critical', alertType: 'cloud', target: 'lake-prod', policies: { severities: ['critical'] } }), {
    name: 'eu',
    alertType: 'cloud',
    target: 'lake-eu',
    scope: { regions: ['eu-west-1'] },
  });

  it('adds without changing the original', () => {
    const next = addRule(base, { name: 'iac', alertType: 'iac', target: 'lake-iac' });
    expect(next.map((r) => r.name)).toEqual(['prod-critical', 'eu', 'iac']);
    expect(base.map((r) => r.name)).toEqual(['prod-critical', 'eu']);
  });

  it.each(['prod-critical', 'PROD-Critical', ' prod-critical '])('refuses a duplicate name %j', (name) => {
    expect(() => addRule(base, { name, alertType: 'iac', target: 'lake-iac' })).toThrow(DuplicateRuleNameError);
    expect(() => addRule(base, { name, alertType: 'iac', target: 'lake-iac' })).toThrow(
      "an alert rule named 'prod-critical' already exists: rule names are unique (ignoring case); choose another name or update 'prod-critical'",
    );
  });

  it('assertUniqueRuleNames and the AlertRules schema refuse duplicates', () => {
    const twice = [...base, { ...base[0]!, name: 'Prod-Critical' }];
    expect(() => assertUniqueRuleNames(twice)).toThrow(/duplicate alert rule name 'Prod-Critical'/);
    expect(() => assertUniqueRuleNames(base)).not.toThrow();
    expect(AlertRules.safeParse(twice).error?.issues[0]).toMatchObject({ path: [2, 'name'] });
    expect(AlertRules.safeParse(base).success).toBe(true);
  });

  it('refuses a target integration that does not exist, when the integrations are given', () => {
    expect(() => addRule(base, { name: 'x', alertType: 'cloud', target: 'lake-nope' }, { integrations: ['lake-prod', 'lake-eu'] })).toThrow(
      "alert rule 'x': target integration 'lake-nope' does not exist (integrations: 'lake-prod', 'lake-eu')",
    );
    expect(() => addRule(base, { name: 'x', alertType: 'cloud', target: 'Lake-Prod' }, { integrations: ['lake-prod'] })).toThrow(/did you mean 'lake-prod'\?/);
    expect(() => addRule(base, { name: 'x', alertType: 'cloud', target: 'lake-prod' }, { integrations: [] })).toThrow(/there are no integrations/);
    expect(addRule(base, { name: 'x', alertType: 'cloud', target: 'lake-prod' }, { integrations: ['lake-prod'] })).toHaveLength(3);
  });

  it('updates a rule by name (ignoring case): given fields replace, others stay', () => {
    const disabled = setRuleEnabled(base, 'EU', false);
    const next = updateRule(disabled, 'eu', { scope: { regions: ['eu-west-1', 'eu-central-1'], tags: ['env'] } });
    expect(findRule(next, 'eu')).toMatchObject({ enabled: false, target: 'lake-eu', scope: { regions: ['eu-west-1', 'eu-central-1'], tags: ['env'], clouds: [] } });
    expect(findRule(disabled, 'eu')!.scope.regions).toEqual(['eu-west-1']);
    const cleared = updateRule(next, 'eu', { scope: { regions: [] } });
    expect(findRule(cleared, 'eu')!.scope.regions).toEqual([]);
  });

  it('renames, refusing a name another rule uses but allowing a change of case', () => {
    expect(() => updateRule(base, 'eu', { name: 'Prod-Critical' })).toThrow(DuplicateRuleNameError);
    expect(updateRule(base, 'eu', { name: 'EU' }).map((r) => r.name)).toEqual(['prod-critical', 'EU']);
    expect(updateRule(base, 'eu', { name: 'europe' }).map((r) => r.name)).toEqual(['prod-critical', 'europe']);
  });

  it('re-validates the whole rule after a patch', () => {
    expect(() => updateRule(base, 'eu', { alertType: 'iac' })).toThrow(/alert rule 'eu'.*scope\.regions: IaC alerts have no region/);
    expect(() => updateRule(base, 'eu', { policies: { severities: ['severe'] } })).toThrow(/policies\.severities\.0: unknown severity "severe"/);
    expect(() => updateRule(base, 'eu', { scope: { region: [] } } as never)).toThrow(/scope: unknown field "region"/);
    expect(() => updateRule(base, 'eu', {})).toThrow("alert rule 'eu': nothing to update: give at least one field");
    expect(() => updateRule(base, 'eu', { target: 'lake-x' }, { integrations: ['lake-eu'] })).toThrow(/target integration 'lake-x' does not exist/);
  });

  it('enables, disables and removes by name; an unknown name is refused with the known names', () => {
    expect(findRule(setRuleEnabled(base, 'prod-critical', false), 'prod-critical')!.enabled).toBe(false);
    expect(removeRule(base, 'Prod-Critical').map((r) => r.name)).toEqual(['eu']);
    expect(base).toHaveLength(2);
    for (const edit of [() => removeRule(base, 'nope'), () => setRuleEnabled(base, 'nope', true), () => updateRule(base, 'nope', { enabled: true })]) {
      expect(edit).toThrow(RuleNotFoundError);
      expect(edit).toThrow("no alert rule named 'nope' (rules: 'prod-critical', 'eu')");
    }
    expect(() => removeRule([], 'nope')).toThrow("no alert rule named 'nope' (there are no rules)");
  });

  it('summarises a rule on one line', () => {
    expect(summarizeRule(base[0]!)).toBe('prod-critical [cloud, enabled] -> lake-prod: policies.severities=critical');
    expect(summarizeRule(parseRule({ name: 'all', alertType: 'iac', target: 'lake-iac', enabled: false }))).toBe('all [iac, disabled] -> lake-iac: all alerts of this type');
  });
});
