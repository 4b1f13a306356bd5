/**
 * The typed client library: create and manage integrations, manage alert
 * rules, publish alerts (validated, routed by rules, batched into signals).
 * The CLI (src/cli.ts, started through this file) is a thin shell over it.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash, randomBytes } from 'node:crypto';
import type { ConnectionTestResult } from './activities/connection';
import { loadConfig } from './config';
import { MAX_ALERTS_PER_BATCH, validateAlerts, type Alert, type AlertRejection } from './domain/alerts';
import { FlushPolicy, IntegrationName, InvalidInputError, LakeSettings, parseOrThrow, type FlushPolicyInput, type LakeSettingsInput } from './domain/integration';
import {
  explainAlert,
  findRule,
  parseRule,
  routeAlerts,
  type AlertExplanation,
  type AlertRule,
  type AlertRuleInput,
  type RuleUpdateInput,
} from './domain/rules';
import {
  addRuleUpdate,
  alertsSignal,
  configQuery,
  configureUpdate,
  deleteUpdate,
  flushNowUpdate,
  integrationNameFromWorkflowId,
  integrationWorkflowId,
  pauseUpdate,
  removeRuleUpdate,
  resumeUpdate,
  rootCause,
  rulesQuery,
  setRuleEnabledUpdate,
  statusQuery,
  testConnectionUpdate,
  updateRuleUpdate,
  type FlushSummary,
  type IntegrationConfigView,
  type IntegrationStatus,
} from './workflows/integrationApi';
import { integrationWorkflow } from './workflows/integrationWorkflow';
import { ExportStatusKey, IntegrationNameKey, LastExportTimeKey } from './workflows/searchAttributes';

export interface CreateIntegrationOptions {
  lake?: LakeSettingsInput;
  flush?: FlushPolicyInput;
}

export interface CreatedIntegration {
  name: string;
  workflowId: string;
  /** Paste into the Security Lake custom source form, with the account ID. */
  externalId: string;
  exporterAccountId?: string;
}

export interface IntegrationListing {
  name: string;
  workflowId: string;
  status: string;
  lastExportTime?: Date;
  startTime: Date;
}

export interface PublishReport {
  /** Alerts signalled, per integration. */
  sent: Record<string, number>;
  /** Alerts refused by validation, with field-level errors; nothing else in their batch is affected. */
  rejected: AlertRejection[];
  /** Valid alerts that no enabled rule routes anywhere (not exported, by design). */
  notRouted: number;
  batches: number;
}

export interface PublishOptions {
  /** Send everything valid to this integration (its own rules still decide). Default: route by all rules. */
  integration?: string;
}

/** Generates an External ID: random, 48 characters, from AWS's allowed alphabet. */
export function generateExternalId(): string {
  return randomBytes(36).toString('base64url');
}

/** Keeps signal payloads well below Temporal's 2 MB limit even for large alerts. */
const MAX_BATCH_BYTES = 1024 * 1024;

export class ExporterClient {
  private routingCache?: { rules: AlertRule[]; at: number };

  constructor(
    readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly warn: (message: string) => void = (message) => console.warn(`warning: ${message}`),
  ) {}

  static async connect(): Promise<ExporterClient> {
    const config = loadConfig();
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    return new ExporterClient(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config.TEMPORAL_TASK_QUEUE);
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }

  private handle(name: string): WorkflowHandle<typeof integrationWorkflow> {
    return this.temporal.workflow.getHandle<typeof integrationWorkflow>(integrationWorkflowId(name));
  }

  /** Runs a call against a running integration, turning "not found" into a clear message. */
  private async onIntegration<T>(name: string, call: (handle: WorkflowHandle<typeof integrationWorkflow>) => Promise<T>): Promise<T> {
    try {
      return await call(this.handle(name));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || (error as Error)?.message?.includes('workflow execution already completed')) {
        throw new InvalidInputError(`integration '${name}' does not exist (or was deleted)`, [`integration: '${name}' not found`]);
      }
      throw unwrapUpdateError(error);
    }
  }

  async createIntegration(name: string, options: CreateIntegrationOptions = {}): Promise<CreatedIntegration> {
    const validName = parseOrThrow(IntegrationName, name, 'integration name');
    const lake = options.lake ? parseOrThrow(LakeSettings, options.lake, 'lake settings') : undefined;
    const flush = parseOrThrow(FlushPolicy, options.flush ?? {}, 'flush policy');
    const externalId = generateExternalId();
    const workflowId = integrationWorkflowId(validName);
    try {
      await this.temporal.workflow.start(integrationWorkflow, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ name: validName, externalId, lake, flush }],
        // A running integration keeps its name; a deleted one's name may be used again.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `Security Lake integration ${validName}`,
        typedSearchAttributes: [
          { key: IntegrationNameKey, value: validName },
          { key: ExportStatusKey, value: 'Pending' },
        ],
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new InvalidInputError(`integration '${validName}' already exists: integration names are unique`, [`name: '${validName}' is taken`]);
      }
      throw error;
    }
    this.routingCache = undefined;
    const config = await this.waitForExporterAccount(validName);
    return { name: validName, workflowId, externalId, exporterAccountId: config.exporterAccountId };
  }

  /** The workflow looks up our AWS account at start; give it a moment. */
  private async waitForExporterAccount(name: string): Promise<IntegrationConfigView> {
    let config = await this.config(name);
    for (let attempt = 0; attempt < 50 && !config.exporterAccountId; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      config = await this.config(name);
    }
    return config;
  }

  /** Lake settings are required the first time; later either part may be changed alone. */
  async configure(name: string, lake: LakeSettingsInput | undefined, flush?: FlushPolicyInput): Promise<IntegrationConfigView> {
    if (lake) parseOrThrow(LakeSettings, lake, 'lake settings');
    if (!lake && !flush) throw new InvalidInputError('configure: give lake settings, a flush policy, or both', []);
    return this.onIntegration(name, (handle) => handle.executeUpdate(configureUpdate, { args: [{ lake, flush }] }));
  }

  /** Assume role, bucket exists, bucket region: each reported with AWS's code and a hint. */
  async testConnection(name: string, lake?: LakeSettingsInput): Promise<ConnectionTestResult> {
    if (lake) parseOrThrow(LakeSettings, lake, 'lake settings');
    return this.onIntegration(name, (handle) => handle.executeUpdate(testConnectionUpdate, { args: [lake ? { lake } : null] }));
  }

  async status(name: string): Promise<IntegrationStatus> {
    return this.onIntegration(name, async (handle) => (await this.assertRunning(name, handle)).query(statusQuery));
  }

  async config(name: string): Promise<IntegrationConfigView> {
    return this.onIntegration(name, async (handle) => (await this.assertRunning(name, handle)).query(configQuery));
  }

  /** Temporal answers queries on closed workflows too; a deleted integration should not look alive. */
  private async assertRunning(name: string, handle: WorkflowHandle<typeof integrationWorkflow>): Promise<WorkflowHandle<typeof integrationWorkflow>> {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      throw new InvalidInputError(`integration '${name}' does not exist (it was deleted: ${description.status.name.toLowerCase()})`, [`integration: '${name}' not found`]);
    }
    return handle;
  }

  async flushNow(name: string): Promise<FlushSummary> {
    return this.onIntegration(name, (handle) => handle.executeUpdate(flushNowUpdate));
  }

  async pause(name: string): Promise<IntegrationStatus> {
    return this.onIntegration(name, (handle) => handle.executeUpdate(pauseUpdate));
  }

  async resume(name: string): Promise<IntegrationStatus> {
    return this.onIntegration(name, (handle) => handle.executeUpdate(resumeUpdate));
  }

  /** Final flush, then the workflow completes. If the lake refuses the data, it stays and is retried. */
  async deleteIntegration(name: string): Promise<FlushSummary> {
    const summary = await this.onIntegration(name, (handle) => handle.executeUpdate(deleteUpdate));
    this.routingCache = undefined;
    return summary;
  }

  /** Running integrations of this deployment (task queue), from the visibility store the Web UI shows. */
  async list(): Promise<IntegrationListing[]> {
    const listings: IntegrationListing[] = [];
    const query = `WorkflowType = 'integrationWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.taskQueue}'`;
    for await (const execution of this.temporal.workflow.list({ query })) {
      const name = integrationNameFromWorkflowId(execution.workflowId);
      if (!name) continue;
      listings.push({
        name,
        workflowId: execution.workflowId,
        status: execution.typedSearchAttributes.get(ExportStatusKey) ?? 'Pending',
        lastExportTime: execution.typedSearchAttributes.get(LastExportTimeKey),
        startTime: execution.startTime,
      });
    }
    return listings.sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- alert rules ---------------------------------------------------------

  /** Every rule of every running integration. */
  async listRules(integration?: string): Promise<AlertRule[]> {
    if (integration) return this.onIntegration(integration, (handle) => handle.query(rulesQuery));
    const names = (await this.list()).map((listing) => listing.name);
    const outcomes = await Promise.allSettled(names.map((name) => this.onIntegration(name, (handle) => handle.query(rulesQuery))));
    // One integration whose worker is down must not stop routing to all the others.
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') this.warn(`integration '${names[index]}' did not answer (its rules are skipped): ${(outcome.reason as Error)?.message}`);
    });
    return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
  }

  async addRule(input: AlertRuleInput): Promise<AlertRule> {
    const rule = parseRule(input);
    const integrations = (await this.list()).map((listing) => listing.name);
    if (!integrations.includes(rule.target)) {
      throw new InvalidInputError(`alert rule '${rule.name}': target integration '${rule.target}' does not exist`, [`target: '${rule.target}' not found`]);
    }
    const existing = findRule(await this.listRules(), rule.name);
    if (existing) {
      throw new InvalidInputError(`alert rule '${rule.name}' already exists (target ${existing.target}): rule names are unique`, [`name: '${rule.name}' is taken`]);
    }
    this.routingCache = undefined;
    return this.onIntegration(rule.target, (handle) => handle.executeUpdate(addRuleUpdate, { args: [input] }));
  }

  private async ruleOwner(name: string): Promise<AlertRule> {
    const rule = findRule(await this.listRules(), name);
    if (!rule) throw new InvalidInputError(`alert rule '${name}' does not exist`, [`rule: '${name}' not found`]);
    return rule;
  }

  async updateRule(name: string, patch: RuleUpdateInput): Promise<AlertRule> {
    const rule = await this.ruleOwner(name);
    if (patch.name && findRule(await this.listRules(), patch.name) && findRule([rule], patch.name) === undefined) {
      throw new InvalidInputError(`alert rule '${patch.name}' already exists: rule names are unique`, [`name: '${patch.name}' is taken`]);
    }
    this.routingCache = undefined;
    return this.onIntegration(rule.target, (handle) => handle.executeUpdate(updateRuleUpdate, { args: [rule.name, patch] }));
  }

  async setRuleEnabled(name: string, enabled: boolean): Promise<AlertRule> {
    const rule = await this.ruleOwner(name);
    this.routingCache = undefined;
    return this.onIntegration(rule.target, (handle) => handle.executeUpdate(setRuleEnabledUpdate, { args: [rule.name, enabled] }));
  }

  async removeRule(name: string): Promise<void> {
    const rule = await this.ruleOwner(name);
    this.routingCache = undefined;
    await this.onIntegration(rule.target, (handle) => handle.executeUpdate(removeRuleUpdate, { args: [rule.name] }));
  }

  /** "Why was this alert not exported?": each rule, with which filter matched or failed. */
  async explain(alert: unknown): Promise<AlertExplanation> {
    const { accepted, rejected } = validateAlerts([alert]);
    if (rejected.length > 0) throw new InvalidInputError(`invalid alert: ${rejected[0].errors.join('; ')}`, rejected[0].errors);
    return explainAlert(accepted[0], await this.listRules());
  }

  // ---- publishing ----------------------------------------------------------

  /** Rules are cached briefly: the workflows re-check, so a stale cache cannot leak alerts. */
  private async routingRules(): Promise<AlertRule[]> {
    if (!this.routingCache || Date.now() - this.routingCache.at > 30_000) {
      this.routingCache = { rules: await this.listRules(), at: Date.now() };
    }
    return this.routingCache.rules;
  }

  /**
   * Validates each alert (a bad one is reported with its fields and never
   * sinks the others), routes the valid ones by the alert rules, and signals
   * them in batches. A batch's ID is its content hash, so re-publishing the
   * same alerts is ignored by the workflow instead of exported twice.
   */
  async publish(rawAlerts: readonly unknown[], options: PublishOptions = {}): Promise<PublishReport> {
    const { accepted, rejected } = validateAlerts(rawAlerts);
    const report: PublishReport = { sent: {}, rejected, notRouted: 0, batches: 0 };
    let routed: Map<string, Alert[]>;
    if (options.integration) {
      routed = new Map([[options.integration, accepted]]);
    } else {
      const routing = routeAlerts(accepted, await this.routingRules());
      routed = routing.byIntegration;
      report.notRouted = routing.unrouted.length;
    }
    for (const [integration, alerts] of routed) {
      for (const batch of batchesOf(alerts)) {
        const batchId = createHash('sha256').update(integration).update('\0').update(JSON.stringify(batch)).digest('hex').slice(0, 32);
        await this.onIntegration(integration, (handle) => handle.signal(alertsSignal, { batchId, alerts: batch }));
        report.sent[integration] = (report.sent[integration] ?? 0) + batch.length;
        report.batches += 1;
      }
    }
    return report;
  }
}

function* batchesOf(alerts: readonly Alert[]): Generator<Alert[]> {
  let batch: Alert[] = [];
  let bytes = 0;
  for (const alert of alerts) {
    const size = Buffer.byteLength(JSON.stringify(alert));
    if (batch.length > 0 && (batch.length >= MAX_ALERTS_PER_BATCH || bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(alert);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** An update rejected by the workflow's validator carries the validator's message: surface it plainly. */
function unwrapUpdateError(error: unknown): unknown {
  if (!(error instanceof WorkflowUpdateFailedError)) return error;
  const cause = rootCause(error);
  return cause?.message ? new InvalidInputError(cause.message, []) : error;
}

if (require.main === module) {
  // The CLI lives in cli.ts; `tsx src/client.ts <command>` is its entry point.
  void import('./cli').then(({ runCli }) => runCli(process.argv.slice(2)));
}
