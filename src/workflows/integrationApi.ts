/**
 * The integration workflow's public surface: its ID, signal, updates and
 * queries, and the shapes they carry. Shared by the workflow and the client.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertBatch, AlertRejection } from '../domain/alerts';
import type { ExportStatus, FlushPolicy, FlushPolicyInput, LakeSettings, LakeSettingsInput } from '../domain/integration';
import type { AlertRule, AlertRuleInput, RuleUpdateInput } from '../domain/rules';
import type { ConnectionTestResult } from '../activities/connection';

const WORKFLOW_ID_PREFIX = 'security-lake-integration:';

/** The integration name is unique because the workflow ID is. */
export function integrationWorkflowId(name: string): string {
  return `${WORKFLOW_ID_PREFIX}${name}`;
}

export function integrationNameFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

export interface IntegrationCounters {
  alertsReceived: number;
  alertsAccepted: number;
  /** Failed validation (field errors) or OCSF mapping: reported, never written. */
  alertsRejected: number;
  /** Valid, but no enabled rule of this integration routes them here. */
  alertsNotRouted: number;
  duplicateBatches: number;
  rowsExported: number;
  filesExported: number;
}

export interface IntegrationStatus {
  name: string;
  status: ExportStatus;
  statusReason?: string;
  /** When the current status began (ISO 8601). */
  statusSince: string;
  paused: boolean;
  configured: boolean;
  lastExportTime?: string;
  counters: IntegrationCounters;
  pending: PendingSummary;
  recentRejections: AlertRejection[];
  /** Set while Failed: when the lake is tried again on its own. */
  nextRetryAt?: string;
}

export interface PendingPartitionSummary {
  partitionKey: string;
  bufferedAlerts: number;
  stagedRows: number;
  stagedChunks: number;
  estimatedBytes: number;
  /** When the oldest waiting alert arrived; the file is due maxFileAge later. */
  openedAt: string;
  dueAt: string;
}

export interface PendingSummary {
  alerts: number;
  partitions: PendingPartitionSummary[];
}

/** What the Web UI memo and the `config` query show: no credentials (there are none in the workflow). */
export interface IntegrationConfigView {
  name: string;
  externalId: string;
  exporterAccountId?: string;
  lake?: LakeSettings;
  flush: FlushPolicy;
  createdAt: string;
}

export interface ConfigureInput {
  /** Required the first time; leave out to change only the flush policy. */
  lake?: LakeSettingsInput;
  flush?: FlushPolicyInput;
}

export interface FlushSummary {
  files: { key: string; rows: number; bytes: number }[];
  rows: number;
  status: ExportStatus;
  statusReason?: string;
  /** Rows still waiting (e.g. because the lake refused them). */
  pendingRows: number;
}

/** The innermost cause of a Temporal failure chain: the activity's or validator's own message lives there. */
export function rootCause(error: unknown): { message?: string } | undefined {
  let current = error as { cause?: unknown; message?: string } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current;
}

export const alertsSignal = defineSignal<[AlertBatch]>('alerts');

export const configureUpdate = defineUpdate<IntegrationConfigView, [ConfigureInput]>('configure');
export const testConnectionUpdate = defineUpdate<ConnectionTestResult, [ConfigureInput | null]>('testConnection');
export const addRuleUpdate = defineUpdate<AlertRule, [AlertRuleInput]>('addRule');
export const updateRuleUpdate = defineUpdate<AlertRule, [string, RuleUpdateInput]>('updateRule');
export const setRuleEnabledUpdate = defineUpdate<AlertRule, [string, boolean]>('setRuleEnabled');
export const removeRuleUpdate = defineUpdate<void, [string]>('removeRule');
export const pauseUpdate = defineUpdate<IntegrationStatus>('pause');
export const resumeUpdate = defineUpdate<IntegrationStatus>('resume');
export const flushNowUpdate = defineUpdate<FlushSummary>('flushNow');
export const deleteUpdate = defineUpdate<FlushSummary>('delete');

export const statusQuery = defineQuery<IntegrationStatus>('status');
export const configQuery = defineQuery<IntegrationConfigView>('config');
export const rulesQuery = defineQuery<AlertRule[]>('rules');
export const pendingQuery = defineQuery<PendingSummary>('pending');

export interface IntegrationWorkflowInput {
  name: string;
  externalId: string;
  flush?: FlushPolicyInput;
  lake?: LakeSettingsInput;
  /** State carried over by continue-as-new. */
  carried?: unknown;
}
