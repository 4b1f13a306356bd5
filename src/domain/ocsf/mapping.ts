/**
 * Alert → OCSF 1.1.0 Security Finding (class 2001) row. The rules, and why
 * each deviates from the seed tables in SPEC.md where it does, are written up
 * in docs/ocsf-mapping.md; keep the two in step (the golden tests pin them).
 *
 * Pure: no I/O besides the schema loaded once by ./schema. Enum captions come
 * from that schema so a caption can never drift from its id.
 */
import { z } from 'zod';
import type { Alert, AlertStatus, CloudAlert, IacAlert, Severity } from '../alerts';
import { awsAccountId, regionName } from '../alerts';
import type { LakeSettings } from '../integration';
import { findingTime, roleAccountId } from '../partition';
import type { AppConfig } from '../../config';
import { OCSF_VERSION } from './emittedAttributes';
import { classAttribute, enumCaption, maxStringLength, ocsfType, ocsfVersion, securityFindingClass } from './schema';

// ---------------------------------------------------------------------------
// The row
// ---------------------------------------------------------------------------

/** An OCSF json_t value. The row keeps it as JSON; the Parquet layer stringifies it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type ActivityId = 1 | 2 | 3;
export type StateId = 1 | 3 | 4;
export type SeverityId = 0 | 1 | 2 | 3 | 4 | 5;

export interface OcsfUser {
  uid: string;
  type_id: 0 | 99;
  type?: string;
  domain?: string;
  email_addr?: string;
  groups?: Array<{ name: string }>;
}

export interface OcsfResourceDetails {
  uid?: string;
  name?: string;
  type?: string;
  namespace?: string;
  labels?: string[];
  data?: JsonValue;
  owner?: OcsfUser;
}

/** One Security Finding row as we emit it: exactly the attributes of EMITTED_ATTRIBUTE_PATHS that we fill. */
export interface SecurityFinding {
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2001;
  class_name: 'Security Finding';
  activity_id: ActivityId;
  activity_name: string;
  type_uid: number;
  type_name: string;
  /** Epoch milliseconds of the finding (the same instant `findingTime()` partitions by). */
  time: number;
  time_dt: string;
  severity_id: SeverityId;
  severity: string;
  state_id: StateId;
  state: string;
  status_id: 99;
  status: AlertStatus;
  status_detail?: string;
  message?: string;
  finding: {
    uid: string;
    title: string;
    desc: string;
    created_time: number;
    created_time_dt: string;
    modified_time?: number;
    modified_time_dt?: string;
    types?: string[];
  };
  cloud: {
    provider: string;
    region?: string;
    account?: { uid: string; name?: string };
    org?: { uid?: string; name?: string };
  };
  resources?: OcsfResourceDetails[];
  compliance?: { standards: string[]; control?: string; requirements?: string[] };
  metadata: {
    version: string;
    uid: string;
    log_name: 'cloud_alerts' | 'iac_alerts';
    profiles: string[];
    product: { name: string; vendor_name: string; version: string };
  };
  /** Source fields OCSF has no place for. Security Lake declares `unmapped` as map<string,string>. */
  unmapped?: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------

export const MappingContext = z.object({
  /** The posture product that raised the alerts (metadata.product). */
  product: z.object({
    name: z.string().min(1),
    vendorName: z.string().min(1),
    version: z.string().min(1),
  }),
  /**
   * Where the integration's lake is: the partition of IaC alerts. The mapping
   * deliberately does not write it into IaC rows (see docs/ocsf-mapping.md):
   * the lake's region is not where a template's resources live.
   */
  lake: z.object({ region: regionName, accountId: awsAccountId }),
});
export type MappingContext = z.infer<typeof MappingContext>;

/** The context for one integration: product from the process config, lake from its settings. */
export function mappingContextFor(
  config: Pick<AppConfig, 'PRODUCT_NAME' | 'PRODUCT_VENDOR' | 'PRODUCT_VERSION'>,
  lake: Pick<LakeSettings, 'region' | 'roleArn'>,
): MappingContext {
  return MappingContext.parse({
    product: { name: config.PRODUCT_NAME, vendorName: config.PRODUCT_VENDOR, version: config.PRODUCT_VERSION },
    lake: { region: lake.region, accountId: roleAccountId(lake.roleArn) },
  });
}

// ---------------------------------------------------------------------------
// Enum tables (ids only; captions are read from the schema)
// ---------------------------------------------------------------------------

/**
 * alert_status → activity and state. status_id is always 99 (Other) with
 * `status` = the source value: OCSF's 1 Success / 2 Failure describe the
 * outcome of an activity, which a finding's lifecycle is not.
 */
export const ALERT_STATUS_MAPPING: Readonly<Record<AlertStatus, { activityId: ActivityId; stateId: StateId }>> = {
  open: { activityId: 1, stateId: 1 }, // Create / New
  resolved: { activityId: 3, stateId: 4 }, // Close / Resolved
  dismissed: { activityId: 3, stateId: 3 }, // Close / Suppressed
  snoozed: { activityId: 2, stateId: 3 }, // Update / Suppressed
};

export const SEVERITY_IDS: Readonly<Record<Severity, Exclude<SeverityId, 0>>> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
};
/** OCSF 0 Unknown, for IaC alerts that carry no severity. */
export const UNKNOWN_SEVERITY_ID = 0;
export const OTHER_STATUS_ID = 99;
/** user.type_id: 0 Unknown without a source type, 99 Other with `type` = the source's identity type. */
const OWNER_TYPE_UNKNOWN = 0;
const OWNER_TYPE_OTHER = 99;

/** Profiles whose attributes we emit (cloud, *_dt). OCSF validators drop profile attributes not listed here. */
export const EMITTED_PROFILES = ['cloud', 'datetime'] as const;

// Resolved once: the schema is static for the process.
const findingClass = securityFindingClass();
const activityIdAttribute = classAttribute('activity_id');
const stateIdAttribute = classAttribute('state_id');
const severityIdAttribute = classAttribute('severity_id');
const typeUidAttribute = classAttribute('type_uid');
const categoryName = enumCaption(classAttribute('category_uid'), findingClass.category_uid);
const className = enumCaption(classAttribute('class_uid'), findingClass.uid);
const emailPattern = new RegExp(ocsfType('email_t').regex ?? '^$');
const maxStringChars = maxStringLength('string_t') ?? 65535;

if (ocsfVersion() !== OCSF_VERSION) {
  throw new Error(`the vendored OCSF schema is ${ocsfVersion()}, but we emit metadata.version ${OCSF_VERSION}`);
}
if (findingClass.uid !== 2001 || findingClass.category_uid !== 2) {
  throw new Error(`the vendored schema is class ${findingClass.uid}, not Security Finding 2001`);
}

// ---------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------

export function toSecurityFinding(alert: Alert, context: MappingContext): SecurityFinding {
  const unmapped = new UnmappedFields();
  const { activityId, stateId } = ALERT_STATUS_MAPPING[alert.alert_status];
  const severityId: SeverityId = alert.alert_type === 'cloud' ? SEVERITY_IDS[alert.risk] : alert.severity ? SEVERITY_IDS[alert.severity] : UNKNOWN_SEVERITY_ID;
  const typeUid = findingClass.uid * 100 + activityId;
  const timeMs = epochMillis(findingTime(alert));
  const createdMs = epochMillis(alert.alert_created_dt);
  const modifiedMs = alert.alert_updated_dt === undefined ? undefined : epochMillis(alert.alert_updated_dt);

  unmapped.put('policy_id', alert.policy_id);
  unmapped.put('policy_theme', alert.policy_theme);
  unmapped.put('age', alert.age);
  unmapped.put('business_unit', alert.business_unit);

  const row: SecurityFinding = {
    category_uid: 2,
    category_name: categoryName as 'Findings',
    class_uid: 2001,
    class_name: className as 'Security Finding',
    activity_id: activityId,
    activity_name: enumCaption(activityIdAttribute, activityId),
    type_uid: typeUid,
    type_name: enumCaption(typeUidAttribute, typeUid),
    time: timeMs,
    time_dt: rfc3339(timeMs),
    severity_id: severityId,
    severity: enumCaption(severityIdAttribute, severityId),
    state_id: stateId,
    state: enumCaption(stateIdAttribute, stateId),
    status_id: OTHER_STATUS_ID,
    status: alert.alert_status,
    ...optional('status_detail', nonEmpty(alert.alert_status_description)),
    ...optional('message', fitString(nonEmpty(alert.alert_description))),
    finding: {
      uid: alert.alert_id,
      title: alert.policy_name,
      desc: findingDescription(alert, context),
      created_time: createdMs,
      created_time_dt: rfc3339(createdMs),
      ...(modifiedMs === undefined ? {} : { modified_time: modifiedMs, modified_time_dt: rfc3339(modifiedMs) }),
      ...optional('types', listOf(nonEmpty(alert.policy_type))),
    },
    cloud: alert.alert_type === 'cloud' ? cloudOfCloudAlert(alert) : cloudOfIacAlert(alert),
    ...optional('resources', listOf(alert.alert_type === 'cloud' ? resourceOfCloudAlert(alert, context, unmapped) : resourceOfIacAlert(alert, context, unmapped))),
    ...optional('compliance', complianceOf(alert, unmapped)),
    metadata: {
      version: OCSF_VERSION,
      uid: `${alert.alert_id}@${rfc3339(modifiedMs ?? createdMs)}`,
      log_name: alert.alert_type === 'cloud' ? 'cloud_alerts' : 'iac_alerts',
      profiles: [...EMITTED_PROFILES],
      product: { name: context.product.name, vendor_name: context.product.vendorName, version: context.product.version },
    },
  };

  if (alert.alert_type === 'cloud') {
    unmapped.put('policy_threat_category', alert.policy_threat_category);
    unmapped.put('cluster_name', alert.cluster_name);
    unmapped.put('cluster_type', alert.cluster_type);
    unmapped.put('associated_cloud', alert.associated_cloud);
  } else {
    unmapped.put('scan_plugin', alert.scan_plugin);
    unmapped.put('policy_categories', alert.policy_categories.length ? JSON.stringify(alert.policy_categories) : undefined);
    unmapped.put('repository', alert.repository);
    unmapped.put('file_path', alert.file_path);
  }
  const unmappedFields = unmapped.sorted();
  if (unmappedFields) row.unmapped = unmappedFields;
  return row;
}

function cloudOfCloudAlert(alert: CloudAlert): SecurityFinding['cloud'] {
  const organisationId = nonEmpty(alert.organisation_id);
  const organisationName = nonEmpty(alert.organisation_name);
  return {
    provider: alert.csp,
    region: alert.region,
    account: { uid: alert.account_id, ...optional('name', nonEmpty(alert.account_name)) },
    // organization requires a name or a uid: leave the object out rather than emit it empty.
    ...(organisationId || organisationName ? { org: { ...optional('uid', organisationId), ...optional('name', organisationName) } } : {}),
  };
}

/**
 * An IaC alert has no cloud account or region. cloud.provider names the
 * cloud the template targets when the alert says so (csp), else the scanner
 * (the seed table's scan_plugin); scan_plugin itself always goes to unmapped.
 */
function cloudOfIacAlert(alert: IacAlert): SecurityFinding['cloud'] {
  return { provider: alert.csp ?? alert.scan_plugin };
}

function resourceOfCloudAlert(alert: CloudAlert, context: MappingContext, unmapped: UnmappedFields): OcsfResourceDetails | undefined {
  const resource = baseResource(alert, context, unmapped);
  const owner = resource ? ownerOf(alert, unmapped) : undefined;
  if (!resource) {
    unmapped.put('resource_type', alert.resource_type);
    unmapped.put('namespace', alert.namespace);
    identityToUnmapped(alert, unmapped);
    return undefined;
  }
  return {
    ...resource,
    ...optional('type', nonEmpty(alert.resource_type)),
    ...optional('namespace', nonEmpty(alert.namespace)),
    ...optional('owner', owner),
  };
}

function resourceOfIacAlert(alert: IacAlert, context: MappingContext, unmapped: UnmappedFields): OcsfResourceDetails | undefined {
  return baseResource(alert, context, unmapped);
}

/**
 * uid, name, labels and data. resource_details requires a name or a uid
 * (OCSF constraint at_least_one); without either there is no resource and
 * its remaining fields go to unmapped instead.
 */
function baseResource(alert: Alert, context: MappingContext, unmapped: UnmappedFields): OcsfResourceDetails | undefined {
  const uid = nonEmpty(alert.resource_id);
  const name = nonEmpty(alert.resource_name);
  const labels = labelsOf(alert.tags);
  if (!uid && !name) {
    unmapped.put('tags', labels.length ? JSON.stringify(labels) : undefined);
    return undefined;
  }
  return {
    ...optional('uid', uid),
    ...optional('name', name),
    ...optional('labels', labels.length ? labels : undefined),
    data: { details: resourceDetailsText(alert, context) },
  };
}

/**
 * The resource owner from the identity_* fields. OCSF user requires an
 * account, name or uid; we only have identity_id for that, so without it the
 * identity fields go to unmapped. owner.name (static empty string in the seed
 * table) is left out: an empty string carries nothing.
 */
function ownerOf(alert: CloudAlert, unmapped: UnmappedFields): OcsfUser | undefined {
  const uid = nonEmpty(alert.identity_id);
  if (!uid) {
    identityToUnmapped(alert, unmapped);
    return undefined;
  }
  const type = nonEmpty(alert.identity_type);
  const identityName = nonEmpty(alert.identity_name);
  const email = identityName !== undefined && emailPattern.test(identityName) ? identityName : undefined;
  if (identityName !== undefined && email === undefined) unmapped.put('identity_name', identityName);
  const group = nonEmpty(alert.identity_power_category);
  return {
    uid,
    // type_id 0 Unknown must carry the caption "Unknown"; a source type is an "Other" (99) value.
    type_id: type === undefined ? OWNER_TYPE_UNKNOWN : OWNER_TYPE_OTHER,
    ...optional('type', type),
    ...optional('domain', nonEmpty(alert.identity_source)),
    ...optional('email_addr', email),
    ...optional('groups', group === undefined ? undefined : [{ name: group }]),
  };
}

function identityToUnmapped(alert: CloudAlert, unmapped: UnmappedFields): void {
  unmapped.put('identity_id', alert.identity_id);
  unmapped.put('identity_type', alert.identity_type);
  unmapped.put('identity_source', alert.identity_source);
  unmapped.put('identity_name', alert.identity_name);
  unmapped.put('identity_power_category', alert.identity_power_category);
}

/**
 * compliance.standards is required in OCSF 1.1.0, so the object exists only
 * with a benchmark. requirements holds the benchmark-qualified control
 * (`CIS-7.0 2.18`), the form consumers search requirements by.
 */
function complianceOf(alert: Alert, unmapped: UnmappedFields): SecurityFinding['compliance'] {
  const benchmark = nonEmpty(alert.compliance_benchmark);
  const control = nonEmpty(alert.compliance_control_number);
  if (!benchmark) {
    unmapped.put('compliance_control_number', control);
    return undefined;
  }
  return {
    standards: [benchmark],
    ...optional('control', control),
    ...optional('requirements', control === undefined ? undefined : [`${benchmark} ${control}`]),
  };
}

/** Tags as `key:value`, sorted by key so that equal tag sets give equal rows. */
export function labelsOf(tags: Readonly<Record<string, string>>): string[] {
  return Object.keys(tags)
    .sort()
    .map((key) => `${key}:${tags[key]}`);
}

/** finding.desc: the seed table's static text, per alert kind. */
function findingDescription(alert: Alert, context: MappingContext): string {
  return alert.alert_type === 'cloud'
    ? `Cloud security posture alert raised by ${context.product.name}.`
    : `Infrastructure-as-code scan alert raised by ${context.product.name}.`;
}

/** resources[0].data: the seed table's static details text, as a JSON object. */
function resourceDetailsText(alert: Alert, context: MappingContext): string {
  return alert.alert_type === 'cloud'
    ? `Cloud resource evaluated by ${context.product.name} against the policy in finding.title.`
    : `Infrastructure-as-code resource evaluated by ${context.product.name} against the policy in finding.title.`;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Collects `unmapped`: flat string → string, numbers stringified, absent or empty values skipped. */
class UnmappedFields {
  private readonly fields = new Map<string, string>();

  put(key: string, value: string | number | undefined): void {
    if (value === undefined) return;
    const text = typeof value === 'number' ? String(value) : value;
    if (text !== '') this.fields.set(key, text);
  }

  /** Keys sorted so the map's order is stable across alerts. */
  sorted(): Record<string, string> | undefined {
    if (this.fields.size === 0) return undefined;
    const result: Record<string, string> = {};
    for (const key of [...this.fields.keys()].sort()) result[key] = this.fields.get(key)!;
    return result;
  }
}

/** Epoch ms of an RFC 3339 instant (sub-millisecond digits are dropped, as `new Date()` does in partition.ts). */
export function epochMillis(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an RFC 3339 instant: ${instant}`);
  return ms;
}

/** RFC 3339 in UTC with milliseconds, e.g. 2026-11-30T08:15:00.000Z. */
export function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function listOf<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}

/** `{ key: value }` when the value is present, `{}` otherwise: omitted, never null. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * OCSF string_t holds at most 65535 characters; alert_description may hold
 * one more. Cutting (with an ellipsis) beats refusing the whole alert.
 */
function fitString(value: string | undefined): string | undefined {
  if (value === undefined || value.length <= maxStringChars) return value;
  let cut = maxStringChars - 1;
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(value.charAt(cut - 1))) cut -= 1;
  return `${value.slice(0, cut)}…`;
}
