/**
 * The alerts the posture product raises, as they arrive from the publisher.
 * These zod schemas are the single source of truth for the alert types: the
 * client validates with them before signalling and the workflow validates
 * again on receipt (never trust the wire).
 */
import { z } from 'zod';

/** An ISO-8601 / RFC 3339 instant with an explicit zone, e.g. 2026-11-30T08:15:00Z. */
export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time with a zone, e.g. 2026-11-30T08:15:00Z' });

export const alertStatuses = ['open', 'resolved', 'dismissed', 'snoozed'] as const;
export const AlertStatus = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const severities = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;

export const cloudProviders = ['aws', 'azure', 'gcp', 'kubernetes'] as const;
export const CloudProvider = z.enum(cloudProviders);
export type CloudProvider = z.infer<typeof CloudProvider>;

export const iacScanPlugins = ['terraform', 'cloudformation', 'arm', 'kubernetes'] as const;
export const IacScanPlugin = z.enum(iacScanPlugins);

/**
 * Region and account become S3 path segments (`region=<r>/accountId=<a>/`),
 * so they are restricted to characters that cannot escape a partition.
 */
export const regionName = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a cloud region name such as us-east-1, eastus or europe-west1 (lowercase letters, digits, hyphens)')
  .max(40);
export const awsAccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account ID');
/** AWS 12 digits, Azure subscription UUID, GCP project id: all lowercase letters, digits and hyphens. */
export const cloudAccountId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and hyphens (an AWS account ID, Azure subscription ID or GCP project ID)');

/** Tags as key/value pairs; rules match them as `key:value` or `key`. */
export const Tags = z.record(z.string().min(1).max(128), z.string().max(256));
export type Tags = z.infer<typeof Tags>;

const commonAlertFields = {
  alert_id: z.string().min(1).max(256),
  alert_status: AlertStatus,
  alert_status_description: z.string().max(4096).optional(),
  alert_description: z.string().max(65536).optional(),
  alert_created_dt: isoInstant,
  alert_updated_dt: isoInstant.optional(),
  policy_id: z.string().min(1).max(256),
  policy_name: z.string().min(1).max(1024),
  policy_type: z.string().max(256).optional(),
  policy_theme: z.string().max(256).optional(),
  /** Age of the alert in days, as the posture product reports it. */
  age: z.number().int().nonnegative().optional(),
  resource_id: z.string().max(2048).optional(),
  resource_name: z.string().max(1024).optional(),
  tags: Tags.default({}),
  compliance_benchmark: z.string().max(256).optional(),
  compliance_control_number: z.string().max(256).optional(),
  /** Routing only: the customer's business unit owning the resource. */
  business_unit: z.string().max(256).optional(),
};

export const CloudAlert = z.object({
  alert_type: z.literal('cloud'),
  ...commonAlertFields,
  risk: Severity,
  csp: CloudProvider,
  csp_event_timestamp: isoInstant,
  policy_threat_category: z.string().max(256).optional(),
  account_id: cloudAccountId,
  account_name: z.string().max(256).optional(),
  organisation_id: z.string().max(256).optional(),
  organisation_name: z.string().max(256).optional(),
  region: regionName,
  resource_type: z.string().max(256).optional(),
  cluster_name: z.string().max(256).optional(),
  cluster_type: z.string().max(256).optional(),
  namespace: z.string().max(256).optional(),
  associated_cloud: z.string().max(64).optional(),
  identity_id: z.string().max(1024).optional(),
  identity_type: z.string().max(256).optional(),
  identity_source: z.string().max(256).optional(),
  identity_name: z.string().max(256).optional(),
  identity_power_category: z.string().max(256).optional(),
}).superRefine((alert, ctx) => {
  // An AWS account is always 12 digits; the lake partitions by it.
  if (alert.csp === 'aws' && !/^\d{12}$/.test(alert.account_id)) {
    ctx.addIssue({ code: 'custom', path: ['account_id'], message: 'must be a 12-digit AWS account ID for csp aws' });
  }
});
export type CloudAlert = z.infer<typeof CloudAlert>;

export const IacAlert = z.object({
  alert_type: z.literal('iac'),
  ...commonAlertFields,
  /** IaC scanners often carry no severity; a missing one maps to OCSF Unknown. */
  severity: Severity.optional(),
  scan_plugin: IacScanPlugin,
  /** Routing only: the cloud the scanned template targets, when known. */
  csp: CloudProvider.optional(),
  /** Routing only: the scanner's check categories (e.g. IAM, NETWORKING). */
  policy_categories: z.array(z.string().max(128)).max(32).default([]),
  repository: z.string().max(1024).optional(),
  file_path: z.string().max(2048).optional(),
});
export type IacAlert = z.infer<typeof IacAlert>;

export const Alert = z.discriminatedUnion('alert_type', [CloudAlert, IacAlert]);
export type Alert = z.infer<typeof Alert>;
/** What a publisher may send: defaults (e.g. empty tags) not yet applied. */
export type AlertInput = z.input<typeof Alert>;

/** Bound so that one signal payload stays far below Temporal's 2 MB limit. */
export const MAX_ALERTS_PER_BATCH = 500;

/**
 * A batch as signalled. Alerts are validated one by one (see
 * `validateAlerts`) so that one bad alert never sinks the good ones.
 */
export const AlertBatch = z.object({
  batchId: z.string().min(1).max(128),
  alerts: z.array(z.unknown()).max(MAX_ALERTS_PER_BATCH, `a batch holds at most ${MAX_ALERTS_PER_BATCH} alerts`),
});
export type AlertBatch = z.infer<typeof AlertBatch>;

export interface AlertRejection {
  /** Position in the batch, so the publisher can find the bad alert. */
  index: number;
  alertId?: string;
  /** One entry per failing field: `risk: Invalid option: expected one of ...`. */
  errors: string[];
}

export interface ValidatedAlerts {
  accepted: Alert[];
  rejected: AlertRejection[];
}

/** Field-level messages such as `account_id: must be a 12-digit AWS account ID`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(alert)'}: ${issue.message}`);
}

/** Validates each alert on its own: the good ones go on, each bad one is reported with its fields. */
export function validateAlerts(raw: readonly unknown[]): ValidatedAlerts {
  const accepted: Alert[] = [];
  const rejected: AlertRejection[] = [];
  raw.forEach((candidate, index) => {
    const parsed = Alert.safeParse(candidate);
    if (parsed.success) {
      accepted.push(parsed.data);
    } else {
      const alertId = typeof (candidate as { alert_id?: unknown })?.alert_id === 'string' ? (candidate as { alert_id: string }).alert_id : undefined;
      rejected.push({ index, alertId, errors: describeIssues(parsed.error) });
    }
  });
  return { accepted, rejected };
}
