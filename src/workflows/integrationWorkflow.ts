/**
 * One long-lived workflow per integration. It receives alert batches by
 * signal, keeps only a small buffer and references to staged chunks
 * (claim-check), and posts a partition's Parquet file when it reaches
 * maxFileBytes or maxFileAge. Deterministic: all I/O is in activities.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';
import type { MappingRejection, StagedChunk } from '../activities/staging';
import { AlertBatch, validateAlerts, type Alert, type AlertRejection } from '../domain/alerts';
import { FlushPolicy, InvalidInputError, LakeSettings, parseOrThrow, type ExportStatus } from '../domain/integration';
import { partitionKey, partitionOf } from '../domain/partition';
import { addRule, findRule, removeRule, ruleMatches, setRuleEnabled, updateRule, type AlertRule, type AlertRuleInput } from '../domain/rules';
import {
  addRuleUpdate,
  alertsSignal,
  configQuery,
  configureUpdate,
  deleteUpdate,
  flushNowUpdate,
  pauseUpdate,
  pendingQuery,
  removeRuleUpdate,
  resumeUpdate,
  rulesQuery,
  setRuleEnabledUpdate,
  statusQuery,
  testConnectionUpdate,
  updateRuleUpdate,
  type FlushSummary,
  type IntegrationConfigView,
  type IntegrationCounters,
  type IntegrationStatus,
  type IntegrationWorkflowInput,
  type PendingSummary,
  rootCause,
} from './integrationApi';
import { searchAttributeUpdates } from './searchAttributes';

/**
 * Alerts are staged once the buffer passes this size, so workflow state stays
 * small; each staging call carries at most this much, far below Temporal's
 * payload limits (512 KB warning, 2 MB error).
 */
export const STAGE_BUFFER_BYTES = 256 * 1024;
/** Staging calls run side by side when a burst of signals filled the buffer far past the budget. */
const STAGING_PARALLELISM = 4;
/** Continue-as-new carries the state as one payload (limit 2 MB). */
const MAX_CARRIED_STATE_BYTES = 1_500_000;
/**
 * Staged chunk references kept in state at most (~300 bytes each): past this,
 * every partition is flushed early so state and continue-as-new stay small
 * even when alerts spread over hundreds of partitions.
 */
const MAX_STAGED_CHUNKS = 2000;
/** Partition flushes in flight at once from one integration. */
const FLUSH_PARALLELISM = 8;
const RECENT_BATCH_IDS = 2000;
const RECENT_REJECTIONS = 50;

const quick = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});
const lakeWriter = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
const probe = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 2 },
});

interface BufferedAlert {
  alert: Alert;
  partitionKey: string;
  arrivedAt: number;
  /** Serialized size, for the staging budget. */
  bytes: number;
}

interface StagedRef extends StagedChunk {
  /** When the chunk's oldest alert arrived: a partition's age starts there. */
  arrivedAt: number;
}

/** A flush fixes its chunks and file stem before it runs, so a retry rewrites the same keys. */
interface FlushPlan {
  fileStem: string;
  chunks: StagedRef[];
  /** Fixed with the plan: a retry must cut the same files, or an old tail file would duplicate rows. */
  maxFileBytes: number;
}

interface IntegrationState {
  name: string;
  externalId: string;
  createdAt: string;
  exporterAccountId?: string;
  lake?: LakeSettings;
  flush: FlushPolicy;
  rules: AlertRule[];
  status: ExportStatus;
  statusReason?: string;
  statusSince: string;
  nextRetryAt?: number;
  /** What the current Failed status is about: the customer's lake, or our own staging bucket. */
  failure?: 'lake' | 'staging';
  /** configure/resume asked for an immediate try; carried across continue-as-new. */
  retryRequested: boolean;
  paused: boolean;
  deleting: boolean;
  counters: IntegrationCounters;
  lastExportTime?: string;
  recentBatchIds: string[];
  recentRejections: AlertRejection[];
  buffer: BufferedAlert[];
  bufferBytes: number;
  staged: Record<string, StagedRef[]>;
  plans: Record<string, FlushPlan>;
}

function initialState(input: IntegrationWorkflowInput): IntegrationState {
  const now = new Date().toISOString();
  return {
    name: input.name,
    externalId: input.externalId,
    createdAt: now,
    lake: input.lake ? LakeSettings.parse(input.lake) : undefined,
    flush: FlushPolicy.parse(input.flush ?? {}),
    rules: [],
    status: 'Pending',
    statusSince: now,
    paused: false,
    deleting: false,
    retryRequested: false,
    counters: { alertsReceived: 0, alertsAccepted: 0, alertsRejected: 0, alertsNotRouted: 0, duplicateBatches: 0, rowsExported: 0, filesExported: 0 },
    recentBatchIds: [],
    recentRejections: [],
    buffer: [],
    bufferBytes: 0,
    staged: {},
    plans: {},
  };
}

export async function integrationWorkflow(input: IntegrationWorkflowInput): Promise<FlushSummary> {
  const state: IntegrationState = (input.carried as IntegrationState | undefined) ?? initialState(input);
  let flushRequested = 0;
  let flushServed = 0;
  let lastSummary: FlushSummary = summary([]);
  let stagingSuccesses = 0;
  /** Derived from state.buffer (kept in step with it): each partition's oldest buffered arrival. */
  let bufferedSince = oldestArrivals(state.buffer);

  // ---- helpers -------------------------------------------------------------

  function pendingRows(): number {
    let rows = state.buffer.length;
    for (const refs of Object.values(state.staged)) for (const ref of refs) rows += ref.rows;
    for (const plan of Object.values(state.plans)) for (const ref of plan.chunks) rows += ref.rows;
    return rows;
  }

  function summary(files: FlushSummary['files']): FlushSummary {
    return {
      files,
      rows: files.reduce((sum, file) => sum + file.rows, 0),
      status: state.status,
      statusReason: state.statusReason,
      pendingRows: pendingRows(),
    };
  }

  function partitionKeys(): string[] {
    const keys = new Set<string>([...Object.keys(state.staged), ...Object.keys(state.plans)]);
    for (const key of bufferedSince.keys()) keys.add(key);
    return [...keys].sort();
  }

  function openedAt(key: string): number {
    let oldest = Infinity;
    for (const ref of state.staged[key] ?? []) oldest = Math.min(oldest, ref.arrivedAt);
    for (const ref of state.plans[key]?.chunks ?? []) oldest = Math.min(oldest, ref.arrivedAt);
    oldest = Math.min(oldest, bufferedSince.get(key) ?? Infinity);
    return oldest;
  }

  function stagedBytes(key: string): number {
    let bytes = 0;
    for (const ref of state.staged[key] ?? []) bytes += ref.bytes;
    for (const ref of state.plans[key]?.chunks ?? []) bytes += ref.bytes;
    return bytes;
  }

  function stagedChunkCount(): number {
    let count = 0;
    for (const refs of Object.values(state.staged)) count += refs.length;
    return count;
  }

  function isDue(key: string, now: number, force: boolean): boolean {
    return force || key in state.plans || openedAt(key) + state.flush.maxFileAgeMs <= now || stagedBytes(key) >= state.flush.maxFileBytes;
  }

  /** Paused holds files back; a delete's final flush goes through anyway. */
  function holding(): boolean {
    return state.paused && !state.deleting;
  }

  /** While Failed, nothing is tried before nextRetryAt unless asked (configure, resume, flush-now, delete). */
  function backingOff(now: number): boolean {
    return state.status === 'Failed' && state.nextRetryAt !== undefined && state.nextRetryAt > now;
  }

  function canExport(now: number, retry: boolean): boolean {
    if (!state.lake || holding()) return false;
    return retry || state.deleting || !backingOff(now);
  }

  function nextWakeAt(): number | undefined {
    if (!state.lake || holding()) return undefined;
    if (backingOff(Date.now())) return state.nextRetryAt;
    let earliest: number | undefined;
    for (const key of partitionKeys()) {
      const due = openedAt(key) + state.flush.maxFileAgeMs;
      if (earliest === undefined || due < earliest) earliest = due;
    }
    return earliest;
  }

  function rememberRejections(rejections: AlertRejection[]): void {
    if (rejections.length === 0) return;
    state.counters.alertsRejected += rejections.length;
    state.recentRejections = [...state.recentRejections, ...rejections].slice(-RECENT_REJECTIONS);
  }

  async function setStatus(to: ExportStatus, reason?: string): Promise<void> {
    if (state.status === to && state.statusReason === reason) return;
    const from = state.status;
    const at = new Date().toISOString();
    state.status = to;
    state.statusReason = reason;
    if (from !== to) state.statusSince = at;
    publishVisibility();
    try {
      await quick.updateStatus({ integrationName: state.name, from, to, reason, at });
    } catch (error) {
      // The audit record is best effort; the live status is already set.
      log.warn('could not record status transition', { error: String(error) });
    }
  }

  function configView(): IntegrationConfigView {
    return {
      name: state.name,
      externalId: state.externalId,
      exporterAccountId: state.exporterAccountId,
      lake: state.lake,
      flush: state.flush,
      createdAt: state.createdAt,
    };
  }

  function pendingSummary(): PendingSummary {
    const bufferedCounts = new Map<string, number>();
    for (const buffered of state.buffer) bufferedCounts.set(buffered.partitionKey, (bufferedCounts.get(buffered.partitionKey) ?? 0) + 1);
    return {
      alerts: pendingRows(),
      partitions: partitionKeys().map((key) => {
        const refs = [...(state.staged[key] ?? []), ...(state.plans[key]?.chunks ?? [])];
        const opened = openedAt(key);
        return {
          partitionKey: key,
          bufferedAlerts: bufferedCounts.get(key) ?? 0,
          stagedRows: refs.reduce((sum, ref) => sum + ref.rows, 0),
          stagedChunks: refs.length,
          estimatedBytes: stagedBytes(key),
          openedAt: new Date(opened).toISOString(),
          dueAt: new Date(opened + state.flush.maxFileAgeMs).toISOString(),
        };
      }),
    };
  }

  function statusView(): IntegrationStatus {
    return {
      name: state.name,
      status: state.status,
      statusReason: state.statusReason,
      statusSince: state.statusSince,
      paused: state.paused,
      configured: state.lake !== undefined,
      lastExportTime: state.lastExportTime,
      counters: { ...state.counters },
      pending: pendingSummary(),
      recentRejections: state.recentRejections,
      nextRetryAt: state.status === 'Failed' && state.nextRetryAt !== undefined ? new Date(state.nextRetryAt).toISOString() : undefined,
    };
  }

  let publishedVisibility = '';
  function publishVisibility(): void {
    const updates = searchAttributeUpdates({
      name: state.name,
      status: state.status,
      lastExportTime: state.lastExportTime,
      rowsExported: state.counters.rowsExported,
      filesExported: state.counters.filesExported,
      alertsRejected: state.counters.alertsRejected,
    });
    const memo = {
      settings: {
        roleArn: state.lake?.roleArn ?? null,
        bucket: state.lake?.bucket ?? null,
        region: state.lake?.region ?? null,
        folder: state.lake?.folder ?? null,
        maxFileBytes: state.flush.maxFileBytes,
        maxFileAgeMs: state.flush.maxFileAgeMs,
      },
      statusReason: state.statusReason ?? null,
      paused: state.paused,
    };
    // Shown on the workflow's page in the Web UI (not history: no command, so always current).
    const c = state.counters;
    setCurrentDetails(
      [
        `**${state.status}**${state.paused ? ' (paused)' : ''} since ${state.statusSince}${state.statusReason ? `: ${state.statusReason}` : ''}`,
        `${c.rowsExported} rows in ${c.filesExported} files exported; last export ${state.lastExportTime ?? 'never'}`,
        `${c.alertsAccepted} alerts accepted, ${c.alertsRejected} rejected, ${c.alertsNotRouted} not routed by any rule`,
        state.lake ? `lake: s3://${state.lake.bucket}/${state.lake.folder} (${state.lake.region})` : 'not configured yet',
      ].join('\n\n'),
    );
    const fingerprint = JSON.stringify([updates.map((update) => [update.key.name, update.value]), memo]);
    if (fingerprint === publishedVisibility) return;
    publishedVisibility = fingerprint;
    upsertSearchAttributes(updates);
    upsertMemo(memo);
  }

  // ---- handlers --------------------------------------------------------------

  setHandler(alertsSignal, (raw) => {
    const batch = AlertBatch.safeParse(raw);
    if (!batch.success) {
      rememberRejections([{ index: -1, errors: batch.error.issues.map((issue) => `batch.${issue.path.join('.')}: ${issue.message}`) }]);
      return;
    }
    const { batchId, alerts } = batch.data;
    if (state.recentBatchIds.includes(batchId)) {
      state.counters.duplicateBatches += 1;
      return;
    }
    state.counters.alertsReceived += alerts.length;
    const lake = state.lake;
    if (!lake || state.deleting) {
      // Not remembered as seen: the same batch may be sent again once the integration is configured.
      const why = state.deleting ? 'integration is being deleted' : 'integration is not configured yet (no lake settings)';
      rememberRejections(alerts.map((_, index) => ({ index, errors: [why] })));
      return;
    }
    state.recentBatchIds = [...state.recentBatchIds, batchId].slice(-RECENT_BATCH_IDS);
    const { accepted, rejected } = validateAlerts(alerts);
    rememberRejections(rejected.map((rejection) => ({ ...rejection, errors: rejection.errors.map((error) => `batch ${batchId}: ${error}`) })));
    const arrivedAt = Date.now();
    for (const alert of accepted) {
      // The workflow is authoritative: a stale routing cache at the publisher cannot leak alerts here.
      if (!state.rules.some((rule) => rule.enabled && ruleMatches(rule, alert))) {
        state.counters.alertsNotRouted += 1;
        continue;
      }
      let key: string;
      try {
        key = partitionKey(partitionOf(alert, lake));
      } catch (error) {
        // Never let one alert fail the workflow task: report it like any invalid alert.
        rememberRejections([{ index: -1, alertId: alert.alert_id, errors: [`partition: ${(error as Error).message}`] }]);
        continue;
      }
      const bytes = JSON.stringify(alert).length;
      state.buffer.push({ alert, partitionKey: key, arrivedAt, bytes });
      state.bufferBytes += bytes;
      if (!bufferedSince.has(key)) bufferedSince.set(key, arrivedAt);
      state.counters.alertsAccepted += 1;
    }
  });

  setHandler(
    configureUpdate,
    async (request) => {
      if (request.lake) state.lake = LakeSettings.parse(request.lake);
      if (request.flush) state.flush = FlushPolicy.parse({ ...state.flush, ...request.flush });
      // New settings deserve an immediate try, not the slow Failed schedule.
      state.retryRequested = true;
      publishVisibility();
      return configView();
    },
    {
      validator: (request) => {
        if (request?.lake) parseOrThrow(LakeSettings, request.lake, 'lake settings');
        else if (!state.lake) throw new InvalidInputError('lake settings: required the first time (role ARN, bucket, region, folder)', ['lake: required']);
        if (request?.flush) parseOrThrow(FlushPolicy, { ...state.flush, ...request.flush }, 'flush policy');
      },
    },
  );

  setHandler(
    testConnectionUpdate,
    async (request) => {
      const lake = request ? LakeSettings.parse(request.lake) : state.lake!;
      return probe.testConnection({ integrationName: state.name, lake, externalId: state.externalId });
    },
    {
      validator: (request) => {
        if (request) parseOrThrow(LakeSettings, request.lake, 'lake settings');
        else if (!state.lake) throw new InvalidInputError('integration is not configured: give lake settings to test, or configure it first', []);
      },
    },
  );

  // Rules stored here all target this integration; the client keeps names unique across integrations.
  const ownRule = (ruleInput: AlertRuleInput): AlertRuleInput => ({ ...ruleInput, target: ruleInput?.target ?? state.name });
  const checkOwnTarget = (rule: AlertRule | undefined) => {
    if (rule && rule.target !== state.name)
      throw new InvalidInputError(`alert rule '${rule.name}' target: is ${rule.target}, but this integration is ${state.name}`, ['target: another integration']);
  };

  setHandler(addRuleUpdate, async (ruleInput) => {
    state.rules = addRule(state.rules, ownRule(ruleInput));
    return state.rules[state.rules.length - 1];
  }, {
    validator: (ruleInput) => {
      const rules = addRule(state.rules, ownRule(ruleInput));
      checkOwnTarget(rules[rules.length - 1]);
    },
  });

  setHandler(updateRuleUpdate, async (name, patch) => {
    state.rules = updateRule(state.rules, name, patch);
    return findRule(state.rules, patch.name ?? name)!;
  }, {
    validator: (name, patch) => checkOwnTarget(findRule(updateRule(state.rules, name, patch), patch?.name ?? name)),
  });

  setHandler(setRuleEnabledUpdate, async (name, enabled) => {
    state.rules = setRuleEnabled(state.rules, name, enabled);
    return findRule(state.rules, name)!;
  }, { validator: (name, enabled) => void setRuleEnabled(state.rules, name, enabled) });

  setHandler(removeRuleUpdate, async (name) => {
    state.rules = removeRule(state.rules, name);
  }, { validator: (name) => void removeRule(state.rules, name) });

  setHandler(pauseUpdate, async () => {
    state.paused = true;
    publishVisibility();
    return statusView();
  });

  setHandler(resumeUpdate, async () => {
    state.paused = false;
    state.retryRequested = true;
    publishVisibility();
    return statusView();
  });

  const awaitFlush = async (): Promise<FlushSummary> => {
    const ticket = ++flushRequested;
    await condition(() => flushServed >= ticket);
    return lastSummary;
  };
  setHandler(flushNowUpdate, awaitFlush);
  setHandler(deleteUpdate, async () => {
    state.deleting = true;
    return awaitFlush();
  });

  setHandler(statusQuery, statusView);
  setHandler(configQuery, configView);
  setHandler(rulesQuery, () => state.rules);
  setHandler(pendingQuery, pendingSummary);

  // ---- the data path ---------------------------------------------------------------

  /** Stages the whole buffer, in slices of at most STAGE_BUFFER_BYTES each. */
  async function stageBuffer(): Promise<void> {
    const lake = state.lake;
    if (state.buffer.length === 0 || !lake) return;
    const taken = state.buffer.length;
    const slices: BufferedAlert[][] = [];
    let slice: BufferedAlert[] = [];
    let sliceBytes = 0;
    for (const buffered of state.buffer) {
      if (slice.length > 0 && sliceBytes + buffered.bytes > STAGE_BUFFER_BYTES) {
        slices.push(slice);
        slice = [];
        sliceBytes = 0;
      }
      slice.push(buffered);
      sliceBytes += buffered.bytes;
    }
    slices.push(slice);
    const results: Awaited<ReturnType<typeof stageSlice>>[] = [];
    for (let start = 0; start < slices.length; start += STAGING_PARALLELISM) {
      results.push(...(await Promise.all(slices.slice(start, start + STAGING_PARALLELISM).map((part) => stageSlice(part, lake)))));
    }
    // All or nothing, in one step: the alerts leave the buffer exactly when their chunks are recorded, so
    // nothing is counted twice, and after a failure the buffer is staged again (the orphaned chunks are never read).
    state.buffer = state.buffer.slice(taken);
    state.bufferBytes = state.buffer.reduce((sum, buffered) => sum + buffered.bytes, 0);
    bufferedSince = oldestArrivals(state.buffer);
    stagingSuccesses += 1;
    for (const result of results) {
      for (const chunk of result.chunks) (state.staged[chunk.partitionKey] ??= []).push(chunk);
      if (result.rejected.length > 0) {
        state.counters.alertsAccepted -= result.rejected.length;
        rememberRejections(result.rejected.map((rejection) => ({ index: -1, alertId: rejection.alertId, errors: rejection.errors })));
      }
    }
  }

  async function stageSlice(slice: BufferedAlert[], lake: LakeSettings): Promise<{ chunks: StagedRef[]; rejected: MappingRejection[] }> {
    const groups = new Map<string, { chunkKey: string; alerts: Alert[]; arrivedAt: number }>();
    for (const buffered of slice) {
      let group = groups.get(buffered.partitionKey);
      if (!group) {
        group = { chunkKey: `staging/${workflowInfo().workflowId}/${buffered.partitionKey}/${uuid4()}.ndjson.gz`, alerts: [], arrivedAt: buffered.arrivedAt };
        groups.set(buffered.partitionKey, group);
      }
      group.alerts.push(buffered.alert);
      group.arrivedAt = Math.min(group.arrivedAt, buffered.arrivedAt);
    }
    const result = await quick.stageAlerts({
      groups: [...groups].map(([key, group]) => ({ partitionKey: key, chunkKey: group.chunkKey, alerts: group.alerts })),
      lake: { region: lake.region, roleArn: lake.roleArn },
    });
    return {
      chunks: result.chunks.map((chunk) => ({ ...chunk, arrivedAt: groups.get(chunk.partitionKey)!.arrivedAt })),
      rejected: result.rejected,
    };
  }

  async function flushPartition(key: string): Promise<FlushSummary['files']> {
    const lake = state.lake!;
    let plan = state.plans[key];
    if (!plan) {
      const chunks = state.staged[key] ?? [];
      if (chunks.length === 0) return [];
      plan = { fileStem: uuid4(), chunks, maxFileBytes: state.flush.maxFileBytes };
      state.plans[key] = plan;
      delete state.staged[key];
    }
    const result = await lakeWriter.writeParquet({
      integrationName: state.name,
      roleArn: lake.roleArn,
      externalId: state.externalId,
      bucket: lake.bucket,
      bucketRegion: lake.region,
      folder: lake.folder,
      partitionKey: key,
      chunkKeys: plan.chunks.map((chunk) => chunk.chunkKey),
      fileStem: plan.fileStem,
      maxFileBytes: plan.maxFileBytes,
    });
    delete state.plans[key];
    state.counters.rowsExported += result.rows;
    state.counters.filesExported += result.files.length;
    state.lastExportTime = new Date().toISOString();
    // Pending ends with the first file in the lake, not when every partition of this round is done.
    if (state.status === 'Pending') await setStatus('Success');
    try {
      await quick.deleteStaged({ chunkKeys: plan.chunks.map((chunk) => chunk.chunkKey) });
    } catch (error) {
      // The rows are in the lake; a leftover staged chunk is only garbage, never exported twice.
      log.warn('could not delete staged chunks', { partitionKey: key, error: String(error) });
    }
    return result.files;
  }

  async function exportDuePartitions(requested: boolean): Promise<FlushSummary['files']> {
    const now = Date.now();
    const force = requested || stagedChunkCount() > MAX_STAGED_CHUNKS;
    const due = partitionKeys().filter((key) => isDue(key, now, force));
    if (due.length === 0) return [];
    if (due.some((key) => bufferedSince.has(key))) await stageBuffer();
    // A few partitions at a time: thousands of due partitions must not become thousands of pending activities.
    const outcomes: PromiseSettledResult<FlushSummary['files']>[] = [];
    for (let start = 0; start < due.length; start += FLUSH_PARALLELISM) {
      outcomes.push(...(await Promise.allSettled(due.slice(start, start + FLUSH_PARALLELISM).map((key) => flushPartition(key)))));
    }
    const files = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) {
      if (isCancellation(failure.reason)) throw failure.reason;
      state.nextRetryAt = Date.now() + state.flush.failedRetryMs;
      state.failure = 'lake';
      await setStatus('Failed', failureReason(failure.reason));
    } else if (files.length > 0) {
      state.nextRetryAt = undefined;
      state.failure = undefined;
      await setStatus('Success');
    }
    return files;
  }

  // ---- main loop ------------------------------------------------------------------

  if (!state.exporterAccountId) {
    try {
      state.exporterAccountId = (await probe.describeExporter()).accountId;
    } catch (error) {
      log.warn('exporter account unknown', { error: String(error) });
    }
  }
  publishVisibility();

  for (;;) {
    const wakeAt = nextWakeAt();
    // New alerts can bring the next deadline forward (a new partition): wake up to re-plan.
    const wantsWork = () =>
      (state.bufferBytes >= STAGE_BUFFER_BYTES && !backingOff(Date.now())) ||
      (stagedChunkCount() > MAX_STAGED_CHUNKS && canExport(Date.now(), false)) ||
      flushRequested > flushServed ||
      state.retryRequested ||
      workflowInfo().continueAsNewSuggested ||
      nextWakeAt() !== wakeAt;
    if (wakeAt === undefined) await condition(wantsWork);
    else await condition(wantsWork, Math.max(wakeAt - Date.now(), 1));

    const ticket = flushRequested;
    const force = ticket > flushServed || state.deleting;
    // A flush-now, delete, configure or resume tries at once, even while Failed.
    const retry = state.retryRequested || force;
    state.retryRequested = false;
    const stagedBefore = stagingSuccesses;
    let files: FlushSummary['files'] = [];
    try {
      if (state.bufferBytes >= STAGE_BUFFER_BYTES && (retry || !backingOff(Date.now()))) await stageBuffer();
      if (canExport(Date.now(), retry)) files = await exportDuePartitions(force);
      if (state.failure === 'staging' && stagingSuccesses > stagedBefore) {
        // Our own staging bucket works again: the integration is back to what the lake says.
        state.failure = undefined;
        state.nextRetryAt = undefined;
        await setStatus(state.counters.filesExported > 0 ? 'Success' : 'Pending');
      }
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Staging itself failed (the exporter's own bucket): keep everything buffered and try again later.
      state.nextRetryAt = Date.now() + state.flush.failedRetryMs;
      state.failure = 'staging';
      await setStatus('Failed', `staging: ${failureReason(error)}`);
    }
    lastSummary = summary(files);
    flushServed = ticket;
    publishVisibility();

    if (state.deleting && pendingRows() === 0) {
      await condition(() => allHandlersFinished() || flushRequested > flushServed);
      if (flushRequested <= flushServed) return lastSummary;
      continue; // a flush-now arrived meanwhile: serve it (nothing is pending) before completing
    }
    if (workflowInfo().continueAsNewSuggested) {
      // The carried state must fit one payload (2 MB): stage the buffer down to its budget first.
      // No await between the last check and continueAsNew, so nothing arrives unseen in between.
      let staged = true;
      for (;;) {
        // A flush-now or delete waits for this loop to serve it: serve it first, continue as new next round.
        await condition(() => allHandlersFinished() || flushRequested > flushServed);
        if (flushRequested > flushServed) {
          staged = false;
          break;
        }
        if (state.bufferBytes < STAGE_BUFFER_BYTES) break;
        try {
          await stageBuffer();
        } catch (error) {
          if (isCancellation(error)) throw error;
          // Cannot stage now: continue as new anyway if the state still fits, else keep this history for now.
          staged = JSON.stringify(state).length < MAX_CARRIED_STATE_BYTES;
          break;
        }
      }
      if (staged) return continueAsNew<typeof integrationWorkflow>({ name: state.name, externalId: state.externalId, carried: state });
    }
  }
}

/** The message a user sees on a Failed integration: the activity's own reason (AWS code, action, hint). */
function failureReason(error: unknown): string {
  return rootCause(error)?.message || String(error);
}

function oldestArrivals(buffer: readonly BufferedAlert[]): Map<string, number> {
  const oldest = new Map<string, number>();
  for (const buffered of buffer) oldest.set(buffered.partitionKey, Math.min(oldest.get(buffered.partitionKey) ?? Infinity, buffered.arrivedAt));
  return oldest;
}
