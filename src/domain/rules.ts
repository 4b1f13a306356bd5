/**
 * Alert rules: which alerts are exported to which integration.
 *
 * Pure domain code. It is imported by deterministic Temporal workflow code
 * (the integration workflow re-checks every alert against its own rules), so
 * it must stay free of Temporal, AWS and Node APIs, clocks and randomness.
 *
 * Matching semantics (documented with examples in docs/alert-rules.md):
 * - A rule matches only alerts of its alert type (`cloud` or `iac`), and only
 *   an enabled rule routes anything.
 * - An empty filter matches anything. Values within one filter are
 *   alternatives (OR); different filters must all match (AND).
 * - Every comparison is case-insensitive and ignores surrounding whitespace:
 *   `AWS` = `aws`, `CIS-7.0` = `cis-7.0`, `Env:Prod` = `env:prod`. Values are
 *   otherwise compared whole (no prefixes, no wildcards).
 * - Tags: a filter value `key:value` matches an alert tag with that key and
 *   value; a value `key` matches an alert that has the tag key with any value.
 *   Keys may themselves contain colons (`aws:cloudformation:stack-name`): the
 *   filter value is compared with each alert tag's `key` and `key:value`.
 * - A non-empty filter never matches an alert that lacks the field (e.g. a
 *   severities filter and an IaC alert without severity).
 * - IaC alerts: the cloud is `csp`, or when absent the cloud the scan plugin
 *   implies (cloudformation → aws, arm → azure, kubernetes → kubernetes;
 *   terraform implies none). Threat categories are the scanner's
 *   `policy_categories` (any one listed matches). IaC alerts have no account
 *   or region, so an IaC rule may not filter by them (refused at validation).
 */
import { z } from 'zod';
import { cloudAccountId, cloudProviders, regionName, severities } from './alerts';
import type { Alert } from './alerts';
import { IntegrationName, InvalidInputError, parseOrThrow } from './integration';

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

export const alertTypes = ['cloud', 'iac'] as const;
export const RuleAlertType = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(alertTypes, { error: (issue) => `unknown alert type ${JSON.stringify(issue.input)}: expected cloud or iac` }));
export type RuleAlertType = z.infer<typeof RuleAlertType>;

/** Rule names are unique per deployment, compared case-insensitively. */
export const RuleName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(
    /^(?:[\p{L}\p{N}][\p{L}\p{N} ._:()\/-]*)?$/u,
    'must start with a letter or digit and use only letters, digits, spaces and the characters . _ : ( ) / -',
  );

/** Most filter values each may hold (an explicit policy selection can be long). */
export const MAX_FILTER_VALUES = 1000;

const freeText = (what: string, max = 256) =>
  z
    .string({ error: `each ${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`);

const enumValue = (what: string, values: readonly [string, ...string[]]) =>
  z
    .string({ error: `each ${what} must be a string` })
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: (issue) => `unknown ${what} ${JSON.stringify(issue.input)}: expected one of ${values.join(', ')}` }));

const filter = <T extends z.ZodType<string>>(value: T) =>
  z
    .array(value, { error: 'must be a list of values' })
    .max(MAX_FILTER_VALUES, `must hold at most ${MAX_FILTER_VALUES} values`)
    .transform((values) => dedupeCaseInsensitive(values as string[]));

const CloudFilterValue = enumValue('cloud', cloudProviders);
const SeverityFilterValue = enumValue('severity', severities);
const AccountFilterValue = z
  .string({ error: 'each account must be a string' })
  .trim()
  .toLowerCase()
  .pipe(cloudAccountId);
const RegionFilterValue = z
  .string({ error: 'each region must be a string' })
  .trim()
  .toLowerCase()
  .pipe(regionName);
const TagFilterValue = freeText('tag', 128 + 1 + 256).refine(
  (tag) => !tag.startsWith(':'),
  'tag must be "key" or "key:value" with a non-empty key',
);

const unknownFieldError = (fields: readonly string[]) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `unknown field ${(issue.keys ?? []).map((key) => JSON.stringify(key)).join(', ')}: expected ${fields.join(', ')}`
    : undefined;

const scopeFilters = {
  businessUnits: filter(freeText('business unit')),
  clouds: filter(CloudFilterValue),
  accounts: filter(AccountFilterValue),
  regions: filter(RegionFilterValue),
  tags: filter(TagFilterValue),
};
const policyFilters = {
  complianceBenchmarks: filter(freeText('compliance benchmark')),
  severities: filter(SeverityFilterValue),
  threatCategories: filter(freeText('threat category')),
  policyTypes: filter(freeText('policy type')),
  policyIds: filter(freeText('policy ID')),
};
/** Every filter defaults to [] (matches anything). */
const scopeShape = {
  businessUnits: scopeFilters.businessUnits.default([]),
  clouds: scopeFilters.clouds.default([]),
  accounts: scopeFilters.accounts.default([]),
  regions: scopeFilters.regions.default([]),
  tags: scopeFilters.tags.default([]),
};
const policiesShape = {
  complianceBenchmarks: policyFilters.complianceBenchmarks.default([]),
  severities: policyFilters.severities.default([]),
  threatCategories: policyFilters.threatCategories.default([]),
  policyTypes: policyFilters.policyTypes.default([]),
  policyIds: policyFilters.policyIds.default([]),
};

/**
 * Unknown fields are refused (strict objects): a typo such as `scope.cloud`
 * would otherwise be dropped and silently widen the rule to every cloud.
 */
export const RuleScope = z.strictObject(scopeShape, { error: unknownFieldError(Object.keys(scopeShape)) });
export type RuleScope = z.infer<typeof RuleScope>;
export const RulePolicies = z.strictObject(policiesShape, { error: unknownFieldError(Object.keys(policiesShape)) });
export type RulePolicies = z.infer<typeof RulePolicies>;

const ruleShape = {
  name: RuleName,
  alertType: RuleAlertType,
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  scope: RuleScope.prefault({}),
  policies: RulePolicies.prefault({}),
  /** The integration (Security Lake custom source) matching alerts are exported to. */
  target: IntegrationName,
};

type RuleShapeOutput = {
  alertType: RuleAlertType;
  scope: { accounts: string[]; regions: string[] };
};

/** Cross-field rules: an IaC rule cannot filter on fields IaC alerts do not have. */
function refineRule(rule: Partial<RuleShapeOutput>, ctx: z.RefinementCtx): void {
  if (rule.alertType !== 'iac' || !rule.scope) return;
  for (const field of ['accounts', 'regions'] as const) {
    if (rule.scope[field].length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope', field],
        message: `IaC alerts have no ${field === 'accounts' ? 'cloud account' : 'region'}, so an IaC rule cannot filter by ${field === 'accounts' ? 'account' : 'region'}: leave scope.${field} empty`,
      });
    }
  }
}

export const AlertRule = z
  .strictObject(ruleShape, { error: unknownFieldError(Object.keys(ruleShape)) })
  .superRefine(refineRule);
export type AlertRule = z.infer<typeof AlertRule>;
/** What a user or the CLI may give: every filter and `enabled` optional. */
export type AlertRuleInput = z.input<typeof AlertRule>;

/** A rule set as stored: each rule valid and names unique (case-insensitively). */
export const AlertRules = z.array(AlertRule).superRefine((rules, ctx) => {
  for (const duplicate of duplicateRuleNames(rules)) {
    ctx.addIssue({ code: 'custom', path: [duplicate.index, 'name'], message: `duplicate rule name '${duplicate.name}' (rule names are unique, ignoring case)` });
  }
});

/**
 * A partial update. Omitted fields are unchanged; a filter given replaces the
 * whole list (`[]` clears it, i.e. matches anything). `scope` and `policies`
 * are patched field by field. No defaults apply here: `{}` would otherwise
 * re-enable a disabled rule.
 */
export const RuleUpdate = z
  .strictObject(
    {
      name: RuleName.optional(),
      alertType: RuleAlertType.optional(),
      enabled: z.boolean({ error: 'must be true or false' }).optional(),
      scope: z
        .strictObject(
          {
            businessUnits: scopeFilters.businessUnits.optional(),
            clouds: scopeFilters.clouds.optional(),
            accounts: scopeFilters.accounts.optional(),
            regions: scopeFilters.regions.optional(),
            tags: scopeFilters.tags.optional(),
          },
          { error: unknownFieldError(Object.keys(scopeShape)) },
        )
        .optional(),
      policies: z
        .strictObject(
          {
            complianceBenchmarks: policyFilters.complianceBenchmarks.optional(),
            severities: policyFilters.severities.optional(),
            threatCategories: policyFilters.threatCategories.optional(),
            policyTypes: policyFilters.policyTypes.optional(),
            policyIds: policyFilters.policyIds.optional(),
          },
          { error: unknownFieldError(Object.keys(policiesShape)) },
        )
        .optional(),
      target: IntegrationName.optional(),
    },
    { error: unknownFieldError(Object.keys(ruleShape)) },
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'nothing to update: give at least one field');
export type RuleUpdate = z.infer<typeof RuleUpdate>;
export type RuleUpdateInput = z.input<typeof RuleUpdate>;

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

export const ruleFilters = [
  'enabled',
  'alertType',
  'scope.businessUnits',
  'scope.clouds',
  'scope.accounts',
  'scope.regions',
  'scope.tags',
  'policies.complianceBenchmarks',
  'policies.severities',
  'policies.threatCategories',
  'policies.policyTypes',
  'policies.policyIds',
] as const;
export type RuleFilter = (typeof ruleFilters)[number];

/** `any`: the filter is empty, so it matches whatever the alert has. */
export type CheckOutcome = 'match' | 'no-match' | 'any';

export interface RuleCheck {
  filter: RuleFilter;
  outcome: CheckOutcome;
  /** The rule's values for this filter (empty for `any`). */
  expected: string[];
  /** What the alert has: one value, a list (tags, IaC categories), or nothing. */
  actual: string | string[] | undefined;
  /** Why the alert's value is what it is, when that is not obvious. */
  note?: string;
}

export interface RuleMatch {
  rule: string;
  target: string;
  alertType: RuleAlertType;
  enabled: boolean;
  /** True when this rule routes the alert: enabled, and every filter matches. */
  matched: boolean;
  /** True when every filter but `enabled` matches ("would match if enabled"). */
  filtersMatched: boolean;
  /** The checks that failed, in evaluation order. */
  failed: RuleFilter[];
  /** One check per filter, in the order of `ruleFilters`. */
  checks: RuleCheck[];
}

/** What routing reads from an alert, normalised across cloud and IaC alerts. */
interface RoutingFacts {
  alertType: RuleAlertType;
  businessUnit?: string;
  cloud?: string;
  cloudNote?: string;
  account?: string;
  region?: string;
  /** [key, value] pairs. */
  tags: Array<[string, string]>;
  benchmark?: string;
  severity?: string;
  threatCategories: string[];
  /** Cloud alerts carry one threat category; IaC alerts a list of categories. */
  threatCategoriesAreList: boolean;
  policyType?: string;
  policyId: string;
}

/** The cloud an IaC template targets when the alert does not say. */
const cloudOfScanPlugin: Record<string, string | undefined> = {
  cloudformation: 'aws',
  arm: 'azure',
  kubernetes: 'kubernetes',
  terraform: undefined,
};

function routingFacts(alert: Alert): RoutingFacts {
  const common = {
    businessUnit: alert.business_unit,
    tags: Object.entries(alert.tags ?? {}),
    benchmark: alert.compliance_benchmark,
    policyType: alert.policy_type,
    policyId: alert.policy_id,
  };
  if (alert.alert_type === 'cloud') {
    return {
      ...common,
      alertType: 'cloud',
      cloud: alert.csp,
      account: alert.account_id,
      region: alert.region,
      severity: alert.risk,
      threatCategories: alert.policy_threat_category === undefined ? [] : [alert.policy_threat_category],
      threatCategoriesAreList: false,
    };
  }
  const inferred = alert.csp === undefined ? cloudOfScanPlugin[alert.scan_plugin] : undefined;
  return {
    ...common,
    alertType: 'iac',
    cloud: alert.csp ?? inferred,
    cloudNote:
      alert.csp !== undefined
        ? undefined
        : inferred !== undefined
          ? `IaC alert has no csp; cloud implied by scan plugin ${alert.scan_plugin}`
          : `IaC alert has no csp and scan plugin ${alert.scan_plugin} implies no cloud`,
    severity: alert.severity,
    threatCategories: alert.policy_categories ?? [],
    threatCategoriesAreList: true,
  };
}

const fold = (value: string): string => value.trim().toLowerCase();

function dedupeCaseInsensitive(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = fold(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One value of the alert is among the rule's alternatives. */
function anyEqual(expected: readonly string[], actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const folded = fold(actual);
  return expected.some((value) => fold(value) === folded);
}

/** Tag filter value `key` or `key:value` against the alert's tags. */
function tagMatches(expected: readonly string[], tags: ReadonlyArray<[string, string]>): boolean {
  return expected.some((wanted) => {
    const folded = fold(wanted);
    return tags.some(([key, value]) => fold(key) === folded || fold(`${key}:${value}`) === folded);
  });
}

interface FilterDef {
  filter: Exclude<RuleFilter, 'enabled' | 'alertType'>;
  values(rule: AlertRule): readonly string[];
  test(values: readonly string[], facts: RoutingFacts): boolean;
  actual(facts: RoutingFacts): string | string[] | undefined;
  note?(facts: RoutingFacts): string | undefined;
}

const FILTERS: readonly FilterDef[] = [
  {
    filter: 'scope.businessUnits',
    values: (rule) => rule.scope.businessUnits,
    test: (values, facts) => anyEqual(values, facts.businessUnit),
    actual: (facts) => facts.businessUnit,
  },
  {
    filter: 'scope.clouds',
    values: (rule) => rule.scope.clouds,
    test: (values, facts) => anyEqual(values, facts.cloud),
    actual: (facts) => facts.cloud,
    note: (facts) => facts.cloudNote,
  },
  {
    filter: 'scope.accounts',
    values: (rule) => rule.scope.accounts,
    test: (values, facts) => anyEqual(values, facts.account),
    actual: (facts) => facts.account,
    note: (facts) => (facts.alertType === 'iac' ? 'IaC alerts have no cloud account' : undefined),
  },
  {
    filter: 'scope.regions',
    values: (rule) => rule.scope.regions,
    test: (values, facts) => anyEqual(values, facts.region),
    actual: (facts) => facts.region,
    note: (facts) => (facts.alertType === 'iac' ? 'IaC alerts have no region' : undefined),
  },
  {
    filter: 'scope.tags',
    values: (rule) => rule.scope.tags,
    test: (values, facts) => tagMatches(values, facts.tags),
    actual: (facts) => facts.tags.map(([key, value]) => `${key}:${value}`),
  },
  {
    filter: 'policies.complianceBenchmarks',
    values: (rule) => rule.policies.complianceBenchmarks,
    test: (values, facts) => anyEqual(values, facts.benchmark),
    actual: (facts) => facts.benchmark,
  },
  {
    filter: 'policies.severities',
    values: (rule) => rule.policies.severities,
    test: (values, facts) => anyEqual(values, facts.severity),
    actual: (facts) => facts.severity,
  },
  {
    filter: 'policies.threatCategories',
    values: (rule) => rule.policies.threatCategories,
    test: (values, facts) => facts.threatCategories.some((category) => anyEqual(values, category)),
    actual: (facts) => (facts.threatCategoriesAreList ? facts.threatCategories : facts.threatCategories[0]),
    note: (facts) => (facts.threatCategoriesAreList ? 'IaC alerts: the scanner policy_categories' : undefined),
  },
  {
    filter: 'policies.policyTypes',
    values: (rule) => rule.policies.policyTypes,
    test: (values, facts) => anyEqual(values, facts.policyType),
    actual: (facts) => facts.policyType,
  },
  {
    filter: 'policies.policyIds',
    values: (rule) => rule.policies.policyIds,
    test: (values, facts) => anyEqual(values, facts.policyId),
    actual: (facts) => facts.policyId,
  },
];

/** Every filter of the rule, checked against the alert: the basis of `explain`. */
export function matchRule(rule: AlertRule, alert: Alert): RuleMatch {
  const facts = routingFacts(alert);
  const checks: RuleCheck[] = [
    { filter: 'enabled', outcome: rule.enabled ? 'match' : 'no-match', expected: ['enabled'], actual: rule.enabled ? 'enabled' : 'disabled' },
    { filter: 'alertType', outcome: rule.alertType === facts.alertType ? 'match' : 'no-match', expected: [rule.alertType], actual: facts.alertType },
  ];
  for (const def of FILTERS) {
    const values = def.values(rule);
    const check: RuleCheck = {
      filter: def.filter,
      outcome: values.length === 0 ? 'any' : def.test(values, facts) ? 'match' : 'no-match',
      expected: [...values],
      actual: def.actual(facts),
    };
    const note = def.note?.(facts);
    if (note !== undefined) check.note = note;
    checks.push(check);
  }
  const failed = checks.filter((check) => check.outcome === 'no-match').map((check) => check.filter);
  return {
    rule: rule.name,
    target: rule.target,
    alertType: rule.alertType,
    enabled: rule.enabled,
    matched: failed.length === 0,
    filtersMatched: failed.every((filterName) => filterName === 'enabled'),
    failed,
    checks,
  };
}

/** Fast path: does this rule route the alert (enabled, right type, all filters match)? */
export function ruleMatches(rule: AlertRule, alert: Alert): boolean {
  if (!rule.enabled || rule.alertType !== alert.alert_type) return false;
  const facts = routingFacts(alert);
  return FILTERS.every((def) => {
    const values = def.values(rule);
    return values.length === 0 || def.test(values, facts);
  });
}

/** The integrations the alert is exported to: targets of enabled matching rules, deduplicated, in rule order. */
export function routeAlert(alert: Alert, rules: readonly AlertRule[]): string[] {
  const targets: string[] = [];
  for (const rule of rules) {
    if (!targets.includes(rule.target) && ruleMatches(rule, alert)) targets.push(rule.target);
  }
  return targets;
}

export interface RoutedAlerts<A extends Alert = Alert> {
  /** Integration → its alerts, in input order; integrations in first-routed order. */
  byIntegration: Map<string, A[]>;
  /** Alerts no enabled rule routes anywhere (not exported). */
  unrouted: A[];
}

/** Routes a batch: what the publisher signals to each integration's workflow. */
export function routeAlerts<A extends Alert>(alerts: readonly A[], rules: readonly AlertRule[]): RoutedAlerts<A> {
  const byIntegration = new Map<string, A[]>();
  const unrouted: A[] = [];
  for (const alert of alerts) {
    const targets = routeAlert(alert, rules);
    if (targets.length === 0) unrouted.push(alert);
    for (const target of targets) {
      const list = byIntegration.get(target);
      if (list) list.push(alert);
      else byIntegration.set(target, [alert]);
    }
  }
  return { byIntegration, unrouted };
}

/** The rules that send alerts to one integration. */
export function rulesForIntegration(rules: readonly AlertRule[], integration: string): AlertRule[] {
  return rules.filter((rule) => rule.target === integration);
}

/**
 * The integration workflow's authoritative re-check: does any enabled rule of
 * this integration match the alert? A stale publisher cache cannot leak alerts.
 */
export function integrationAccepts(alert: Alert, rules: readonly AlertRule[], integration: string): boolean {
  return rules.some((rule) => rule.target === integration && ruleMatches(rule, alert));
}

// ---------------------------------------------------------------------------
// Explain
// ---------------------------------------------------------------------------

export interface AlertExplanation {
  alert: {
    alertId: string;
    alertType: RuleAlertType;
    policyId: string;
    /** e.g. `aws 123456789012 us-east-1` or `terraform (aws)`. */
    where: string;
  };
  /** The integrations the alert is exported to (empty: not exported anywhere). */
  exportedTo: string[];
  /** The rules that route it, by name. */
  matchedRules: string[];
  /** One entry per rule, in rule order. */
  rules: RuleMatch[];
  /** One human sentence: where it goes, or why it goes nowhere. */
  summary: string;
}

const filterLabels: Record<RuleFilter, { one: string; many: string }> = {
  enabled: { one: 'state', many: 'state' },
  alertType: { one: 'alert type', many: 'alert types' },
  'scope.businessUnits': { one: 'business unit', many: 'business units' },
  'scope.clouds': { one: 'cloud', many: 'clouds' },
  'scope.accounts': { one: 'account', many: 'accounts' },
  'scope.regions': { one: 'region', many: 'regions' },
  'scope.tags': { one: 'tag', many: 'tags' },
  'policies.complianceBenchmarks': { one: 'compliance benchmark', many: 'compliance benchmarks' },
  'policies.severities': { one: 'severity', many: 'severities' },
  'policies.threatCategories': { one: 'threat category', many: 'threat categories' },
  'policies.policyTypes': { one: 'policy type', many: 'policy types' },
  'policies.policyIds': { one: 'policy ID', many: 'policy IDs' },
};

const list = (values: readonly string[]): string => `[${values.join(', ')}]`;
const quoted = (values: readonly string[]): string => values.map((value) => `'${value}'`).join(', ');

/** Why one check failed, e.g. `alert account 123456789012 not in [111111111111]`. */
export function describeFailure(check: RuleCheck): string {
  const label = filterLabels[check.filter];
  const note = check.note ? ` - ${check.note}` : '';
  if (check.filter === 'enabled') return 'rule is disabled';
  if (check.filter === 'alertType') return `rule is for ${check.expected[0]} alerts, alert is ${check.actual}`;
  if (check.actual === undefined) return `alert has no ${label.one}, rule wants ${list(check.expected)}${note}`;
  if (Array.isArray(check.actual)) {
    if (check.actual.length === 0) return `alert has no ${label.many}, rule wants one of ${list(check.expected)}${note}`;
    return `alert ${label.many} ${list(check.actual)} include none of ${list(check.expected)}${note}`;
  }
  return `alert ${label.one} ${check.actual} not in ${list(check.expected)}${note}`;
}

function describeRuleMiss(match: RuleMatch): string {
  if (match.filtersMatched) return `rule '${match.rule}' matches but is disabled`;
  const failures = match.checks.filter((check) => check.outcome === 'no-match' && check.filter !== 'enabled');
  const reasons = failures.map((check) => `${check.filter} (${describeFailure(check)})`).join(' and ');
  return `rule '${match.rule}' ${match.enabled ? '' : 'is disabled and '}failed ${reasons}`;
}

/** How many non-matching rules the summary sentence names before "and N more". */
const SUMMARY_RULES = 5;

function describeWhere(alert: Alert): string {
  if (alert.alert_type === 'cloud') return `${alert.csp} ${alert.account_id} ${alert.region}`;
  return alert.csp ? `${alert.scan_plugin} (${alert.csp})` : alert.scan_plugin;
}

/** For each rule, which filters matched or failed; where the alert goes, or why nowhere. */
export function explainAlert(alert: Alert, rules: readonly AlertRule[]): AlertExplanation {
  const matches = rules.map((rule) => matchRule(rule, alert));
  const matched = matches.filter((match) => match.matched);
  const exportedTo = routeAlert(alert, rules);
  const kind = alert.alert_type === 'cloud' ? 'cloud' : 'IaC';

  let summary: string;
  if (exportedTo.length > 0) {
    summary = `exported to ${quoted(exportedTo)} by ${matched.length === 1 ? 'rule' : 'rules'} ${quoted(matched.map((match) => match.rule))}`;
  } else if (rules.length === 0) {
    summary = `not exported anywhere: there are no alert rules; create a rule with alert type ${alert.alert_type} that targets an integration`;
  } else if (matches.every((match) => match.alertType !== alert.alert_type)) {
    summary = `not exported anywhere: none of the ${rules.length} ${rules.length === 1 ? 'rule is' : 'rules are'} for ${kind} alerts; create a rule with alert type ${alert.alert_type}`;
  } else {
    // Rules for the other alert type cannot apply; of the others, closest first:
    // disabled-but-matching, then fewest failed filters, then rule order.
    const sameType = matches.filter((match) => match.alertType === alert.alert_type);
    const otherType = matches.length - sameType.length;
    const ranked = sameType
      .map((match, index) => ({ match, index }))
      .sort((a, b) => rank(a.match) - rank(b.match) || a.index - b.index)
      .map(({ match }) => match);
    const named = ranked.slice(0, SUMMARY_RULES).map(describeRuleMiss);
    const more = ranked.length - named.length;
    const otherKind = alert.alert_type === 'cloud' ? 'IaC' : 'cloud';
    summary =
      `not exported anywhere: no enabled rule matches this ${kind} alert: ${named.join('; ')}` +
      (more > 0 ? `; and ${more} more ${more === 1 ? 'rule' : 'rules'}` : '') +
      (otherType > 0 ? ` (${otherType} other ${otherType === 1 ? 'rule is' : 'rules are'} for ${otherKind} alerts)` : '');
  }

  return {
    alert: { alertId: alert.alert_id, alertType: alert.alert_type, policyId: alert.policy_id, where: describeWhere(alert) },
    exportedTo,
    matchedRules: matched.map((match) => match.rule),
    rules: matches,
    summary,
  };
}

function rank(match: RuleMatch): number {
  if (match.filtersMatched) return 0;
  return match.failed.filter((filterName) => filterName !== 'enabled').length;
}

function describeActual(actual: string | string[] | undefined): string {
  if (actual === undefined) return '(none)';
  if (Array.isArray(actual)) return actual.length === 0 ? '(none)' : list(actual);
  return actual;
}

export interface FormatOptions {
  /** List empty filters (outcome `any`) one by one with the alert's value; by default they share one line. */
  showEmptyFilters?: boolean;
}

/** Readable multi-line text for the CLI's `explain`. */
export function formatExplanation(explanation: AlertExplanation, options: FormatOptions = {}): string {
  const { alert } = explanation;
  const lines: string[] = [];
  lines.push(`Alert ${alert.alertId} (${alert.alertType}, ${alert.where}, policy ${alert.policyId})`);
  lines.push(explanation.exportedTo.length > 0 ? `Exported to: ${explanation.exportedTo.join(', ')}` : 'Exported to: nowhere');
  const width = Math.max(...ruleFilters.map((name) => name.length));
  for (const match of explanation.rules) {
    const verdict = match.matched
      ? 'MATCH'
      : match.filtersMatched
        ? 'no match (rule is disabled; its filters match)'
        : `no match (failed ${match.failed.join(', ')})`;
    lines.push('');
    lines.push(`Rule '${match.rule}' -> ${match.target} [${match.alertType}, ${match.enabled ? 'enabled' : 'disabled'}]: ${verdict}`);
    const empty = match.checks.filter((check) => check.outcome === 'any');
    for (const check of match.checks) {
      if (check.outcome === 'any' && !options.showEmptyFilters) continue;
      const mark = check.outcome === 'match' ? 'ok  ' : check.outcome === 'any' ? 'any ' : 'FAIL';
      const name = check.filter.padEnd(width);
      let detail: string;
      if (check.outcome === 'any') detail = `(empty filter) alert has ${describeActual(check.actual)}`;
      else if (check.outcome === 'no-match') detail = describeFailure(check);
      else if (check.filter === 'enabled' || check.filter === 'alertType') detail = String(check.actual);
      else detail = `alert has ${describeActual(check.actual)}, rule wants ${list(check.expected)}`;
      lines.push(`  ${mark} ${name}  ${detail}`);
    }
    if (empty.length > 0 && !options.showEmptyFilters) {
      lines.push(`  any  ${'(empty filters)'.padEnd(width)}  ${empty.map((check) => check.filter).join(', ')}`);
    }
  }
  if (explanation.rules.length === 0) {
    lines.push('');
    lines.push('(no alert rules)');
  }
  lines.push('');
  lines.push(`Summary: ${explanation.summary}`);
  return lines.join('\n');
}

/** One line per rule for `rules list`: name, type, state, target and the non-empty filters. */
export function summarizeRule(rule: AlertRule): string {
  const filters = [
    ...Object.entries(rule.scope).map(([key, values]) => [`scope.${key}`, values] as const),
    ...Object.entries(rule.policies).map(([key, values]) => [`policies.${key}`, values] as const),
  ]
    .filter(([, values]) => values.length > 0)
    .map(([key, values]) => `${key}=${values.join('|')}`);
  return `${rule.name} [${rule.alertType}, ${rule.enabled ? 'enabled' : 'disabled'}] -> ${rule.target}: ${filters.length ? filters.join(' ') : 'all alerts of this type'}`;
}

// ---------------------------------------------------------------------------
// Rule sets: pure, immutable edits
// ---------------------------------------------------------------------------

export class RuleNotFoundError extends InvalidInputError {
  constructor(readonly ruleName: string, known: readonly string[]) {
    super(`no alert rule named '${ruleName}'${known.length ? ` (rules: ${quoted(known)})` : ' (there are no rules)'}`, [`name: no rule named '${ruleName}'`]);
    this.name = 'RuleNotFoundError';
  }
}

export class DuplicateRuleNameError extends InvalidInputError {
  constructor(readonly ruleName: string, existing: string) {
    super(
      `an alert rule named '${existing}' already exists: rule names are unique (ignoring case); choose another name or update '${existing}'`,
      [`name: '${ruleName}' is already used by rule '${existing}'`],
    );
    this.name = 'DuplicateRuleNameError';
  }
}

export interface RuleEditOptions {
  /**
   * The integrations that exist. When given, a rule whose target is not among
   * them is refused (a rule's target must exist).
   */
  integrations?: readonly string[];
}

const sameName = (a: string, b: string): boolean => fold(a) === fold(b);

function duplicateRuleNames(rules: ReadonlyArray<{ name: string }>): Array<{ index: number; name: string }> {
  const seen = new Set<string>();
  const duplicates: Array<{ index: number; name: string }> = [];
  rules.forEach((rule, index) => {
    const key = fold(rule.name);
    if (seen.has(key)) duplicates.push({ index, name: rule.name });
    seen.add(key);
  });
  return duplicates;
}

/** Throws when two rules share a name (ignoring case). */
export function assertUniqueRuleNames(rules: ReadonlyArray<{ name: string }>): void {
  const duplicates = duplicateRuleNames(rules);
  if (duplicates.length === 0) return;
  const names = [...new Set(duplicates.map((duplicate) => duplicate.name))];
  throw new InvalidInputError(
    `duplicate alert rule ${names.length === 1 ? 'name' : 'names'} ${quoted(names)}: rule names are unique (ignoring case)`,
    duplicates.map((duplicate) => `${duplicate.index}.name: duplicate rule name '${duplicate.name}'`),
  );
}

/** The rule with this name (ignoring case and surrounding spaces). */
export function findRule(rules: readonly AlertRule[], name: string): AlertRule | undefined {
  return rules.find((rule) => sameName(rule.name, name));
}

function indexOfRule(rules: readonly AlertRule[], name: string): number {
  const index = rules.findIndex((rule) => sameName(rule.name, name));
  if (index < 0) throw new RuleNotFoundError(name.trim(), rules.map((rule) => rule.name));
  return index;
}

function checkTarget(rule: AlertRule, options: RuleEditOptions | undefined): void {
  const known = options?.integrations;
  if (!known || known.includes(rule.target)) return;
  const nearly = known.find((integration) => sameName(integration, rule.target));
  const hint = nearly
    ? `; did you mean '${nearly}'?`
    : known.length
      ? ` (integrations: ${quoted(known)})`
      : ' (there are no integrations: create one first)';
  throw new InvalidInputError(`alert rule '${rule.name}': target integration '${rule.target}' does not exist${hint}`, [
    `target: integration '${rule.target}' does not exist`,
  ]);
}

const ruleLabel = (input: unknown): string => {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.trim() ? `alert rule '${name.trim()}'` : 'alert rule';
};

/** Validates a rule as a user entered it; throws InvalidInputError naming each bad field. */
export function parseRule(input: unknown): AlertRule {
  return parseOrThrow(AlertRule, input, ruleLabel(input));
}

/** A new rule set with the rule added; refuses a name already used. */
export function addRule(rules: readonly AlertRule[], input: AlertRuleInput, options?: RuleEditOptions): AlertRule[] {
  const rule = parseRule(input);
  const existing = findRule(rules, rule.name);
  if (existing) throw new DuplicateRuleNameError(rule.name, existing.name);
  checkTarget(rule, options);
  return [...rules, rule];
}

/** A new rule set with the named rule patched (see `RuleUpdate`), re-validated as a whole. */
export function updateRule(rules: readonly AlertRule[], name: string, patch: RuleUpdateInput, options?: RuleEditOptions): AlertRule[] {
  const index = indexOfRule(rules, name);
  const current = rules[index]!;
  if (patch !== null && typeof patch === 'object' && Object.values(patch).every((value) => value === undefined)) {
    throw new InvalidInputError(`alert rule '${current.name}': nothing to update: give at least one field`, ['(update): nothing to update']);
  }
  const update = parseOrThrow(RuleUpdate, patch, `update of alert rule '${current.name}'`);
  const merged = {
    ...current,
    ...definedOnly({ name: update.name, alertType: update.alertType, enabled: update.enabled, target: update.target }),
    scope: { ...current.scope, ...definedOnly(update.scope ?? {}) },
    policies: { ...current.policies, ...definedOnly(update.policies ?? {}) },
  };
  const rule = parseOrThrow(AlertRule, merged, `alert rule '${current.name}'`);
  const clash = rules.find((other, otherIndex) => otherIndex !== index && sameName(other.name, rule.name));
  if (clash) throw new DuplicateRuleNameError(rule.name, clash.name);
  if (update.target !== undefined) checkTarget(rule, options);
  return rules.map((existing, existingIndex) => (existingIndex === index ? rule : existing));
}

/** A new rule set with the named rule enabled or disabled. */
export function setRuleEnabled(rules: readonly AlertRule[], name: string, enabled: boolean): AlertRule[] {
  const index = indexOfRule(rules, name);
  return rules.map((rule, ruleIndex) => (ruleIndex === index ? { ...rule, enabled } : rule));
}

/** A new rule set without the named rule. */
export function removeRule(rules: readonly AlertRule[], name: string): AlertRule[] {
  const index = indexOfRule(rules, name);
  return rules.filter((_, ruleIndex) => ruleIndex !== index);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
