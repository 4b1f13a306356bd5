/**
 * The command line: `npm run cli -- <command> ...` (entry: src/client.ts).
 * Every command prints what a user needs; errors name the field and the problem.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExporterClient } from './client';
import { InvalidInputError, type FlushPolicyInput, type LakeSettingsInput } from './domain/integration';
import { formatExplanation, summarizeRule, type AlertRuleInput, type RuleUpdateInput } from './domain/rules';
import type { IntegrationStatus } from './workflows/integrationApi';

const USAGE = `security-lake-exporter <command>

Integrations
  create <name> [lake options] [flush options]   create; prints the exporter account ID and External ID
  configure <name> [lake options] [flush options]  lake options required the first time
  test-connection <name> [lake options]          assume role, bucket exists, bucket region
  list                                           every integration with its status
  show <name>                                    status, counters, pending partitions, settings
  flush <name>                                   post every pending file now
  pause <name> | resume <name>
  delete <name>                                  final flush, then the integration ends

Alerts
  send <file.json|file.ndjson> [--integration <name>]   validate, route by rules, signal
  explain <alert.json>                           which rules match the alert, and why not

Alert rules
  rules list [--integration <name>]
  rules add --name <n> --type cloud|iac --target <integration> [filters] [--disabled]
  rules add --file <rule.json>
  rules update <name> [--name <new>] [--type ...] [filters] | --file <patch.json>
  rules enable <name> | rules disable <name> | rules delete <name>

Lake options:   --role-arn <arn> --bucket <name> --region <region> --folder <prefix>
Flush options:  --max-file-bytes <n> --max-file-age-ms <n> --failed-retry-ms <n>
Rule filters (comma-separated; empty = any):
  --business-units --clouds --accounts --regions --tags (key:value or key)
  --benchmarks --severities --threat-categories --policy-types --policy-ids
`;

const options = {
  'role-arn': { type: 'string' },
  bucket: { type: 'string' },
  region: { type: 'string' },
  folder: { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'max-file-age-ms': { type: 'string' },
  'failed-retry-ms': { type: 'string' },
  integration: { type: 'string' },
  name: { type: 'string' },
  type: { type: 'string' },
  target: { type: 'string' },
  file: { type: 'string' },
  disabled: { type: 'boolean' },
  'business-units': { type: 'string' },
  clouds: { type: 'string' },
  accounts: { type: 'string' },
  regions: { type: 'string' },
  tags: { type: 'string' },
  benchmarks: { type: 'string' },
  severities: { type: 'string' },
  'threat-categories': { type: 'string' },
  'policy-types': { type: 'string' },
  'policy-ids': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function lakeFrom(flags: Flags, required: boolean): LakeSettingsInput | undefined {
  const given = [flags['role-arn'], flags.bucket, flags.region, flags.folder];
  if (given.every((value) => value === undefined)) {
    if (required) throw new InvalidInputError('lake settings: give --role-arn, --bucket, --region and --folder', []);
    return undefined;
  }
  const missing = (['role-arn', 'bucket', 'region', 'folder'] as const).filter((flag) => flags[flag] === undefined);
  if (missing.length) throw new InvalidInputError(`lake settings: missing ${missing.map((flag) => `--${flag}`).join(', ')}`, []);
  return { roleArn: flags['role-arn']!, bucket: flags.bucket!, region: flags.region!, folder: flags.folder! };
}

function numberFlag(flags: Flags, flag: 'max-file-bytes' | 'max-file-age-ms' | 'failed-retry-ms'): number | undefined {
  const raw = flags[flag];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new InvalidInputError(`--${flag}: must be a whole number, got '${raw}'`, []);
  return value;
}

function flushFrom(flags: Flags): FlushPolicyInput | undefined {
  const flush: FlushPolicyInput = {
    maxFileBytes: numberFlag(flags, 'max-file-bytes'),
    maxFileAgeMs: numberFlag(flags, 'max-file-age-ms'),
    failedRetryMs: numberFlag(flags, 'failed-retry-ms'),
  };
  const defined = Object.fromEntries(Object.entries(flush).filter(([, value]) => value !== undefined));
  return Object.keys(defined).length ? defined : undefined;
}

const listFlag = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean));

function ruleFiltersFrom(flags: Flags) {
  const scope = {
    businessUnits: listFlag(flags['business-units']),
    clouds: listFlag(flags.clouds),
    accounts: listFlag(flags.accounts),
    regions: listFlag(flags.regions),
    tags: listFlag(flags.tags),
  };
  const policies = {
    complianceBenchmarks: listFlag(flags.benchmarks),
    severities: listFlag(flags.severities),
    threatCategories: listFlag(flags['threat-categories']),
    policyTypes: listFlag(flags['policy-types']),
    policyIds: listFlag(flags['policy-ids']),
  };
  const definedOnly = (record: Record<string, string[] | undefined>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  return { scope: definedOnly(scope), policies: definedOnly(policies) };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`, []);
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${path}: not ${what} (${(error as Error).message})`, []);
  }
}

/** A JSON array, a single JSON object, or NDJSON (one alert per line). */
export function readAlertsFile(path: string): unknown[] {
  const text = readText(path).trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown[];
    } catch (error) {
      throw new InvalidInputError(`${path}: not a JSON array of alerts (${(error as Error).message})`, []);
    }
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  return lines.map((line, index) => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`${path}:${index + 1}: not JSON: ${(error as Error).message}`, []);
    }
  });
}

function printStatus(status: IntegrationStatus): void {
  const c = status.counters;
  console.log(`Integration ${status.name}`);
  console.log(`  status:          ${status.status}${status.paused ? ' (paused)' : ''} since ${status.statusSince}`);
  if (status.statusReason) console.log(`  reason:          ${status.statusReason}`);
  if (status.nextRetryAt) console.log(`  next retry:      ${status.nextRetryAt}`);
  console.log(`  last export:     ${status.lastExportTime ?? 'never'}`);
  console.log(`  files / rows:    ${c.filesExported} files, ${c.rowsExported} rows exported`);
  console.log(`  alerts:          ${c.alertsReceived} received, ${c.alertsAccepted} accepted, ${c.alertsRejected} rejected, ${c.alertsNotRouted} not routed by any rule, ${c.duplicateBatches} duplicate batches ignored`);
  console.log(`  pending:         ${status.pending.alerts} alerts in ${status.pending.partitions.length} partitions`);
  for (const partition of status.pending.partitions) {
    console.log(`    ${partition.partitionKey}: ${partition.bufferedAlerts + partition.stagedRows} alerts, due ${partition.dueAt}`);
  }
  for (const rejection of status.recentRejections.slice(-5)) {
    console.log(`  rejected ${rejection.alertId ?? `#${rejection.index}`}: ${rejection.errors.join('; ')}`);
  }
}

export async function runCli(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (!command || flags.help) {
    console.log(USAGE);
    return;
  }
  const print = (value: unknown, text: () => void) => (flags.json ? console.log(JSON.stringify(value, null, 2)) : text());
  const need = (what: string, value: string | undefined): string => {
    if (!value) throw new InvalidInputError(`${command}: missing ${what}`, []);
    return value;
  };

  const client = await ExporterClient.connect();
  try {
    switch (command) {
      case 'create': {
        const created = await client.createIntegration(need('<name>', rest[0]), { lake: lakeFrom(flags, false), flush: flushFrom(flags) });
        print(created, () => {
          console.log(`Created integration ${created.name} (status Pending).`);
          console.log('In the Security Lake console, create a custom source with event class SECURITY_FINDING and enter:');
          console.log(`  AWS account ID: ${created.exporterAccountId ?? '(unknown: set EXPORTER_ACCOUNT_ID)'}`);
          console.log(`  External ID:    ${created.externalId}`);
          console.log('Then run `configure` with the role ARN, bucket, region and folder it gives you.');
        });
        break;
      }
      case 'configure': {
        const config = await client.configure(need('<name>', rest[0]), lakeFrom(flags, false), flushFrom(flags));
        print(config, () => console.log(`Configured ${config.name}: s3://${config.lake?.bucket}/${config.lake?.folder} (${config.lake?.region}) via ${config.lake?.roleArn}`));
        break;
      }
      case 'test-connection': {
        const result = await client.testConnection(need('<name>', rest[0]), lakeFrom(flags, false));
        print(result, () => {
          for (const check of result.checks) {
            const mark = check.skipped ? 'SKIP' : check.ok ? 'PASS' : 'FAIL';
            console.log(`${mark} ${check.check}: ${check.detail}${check.code ? ` [${check.code}]` : ''}`);
            if (check.hint) console.log(`     hint: ${check.hint}`);
          }
          console.log(result.ok ? 'Connection OK.' : 'Connection failed.');
        });
        if (!result.ok) process.exitCode = 1;
        break;
      }
      case 'list': {
        const listings = await client.list();
        print(listings, () => {
          if (listings.length === 0) console.log('No integrations. Create one with `create <name>`.');
          for (const listing of listings) console.log(`${listing.name.padEnd(30)} ${listing.status.padEnd(8)} last export ${listing.lastExportTime?.toISOString() ?? 'never'}`);
        });
        break;
      }
      case 'show':
      case 'status': {
        const name = need('<name>', rest[0]);
        const [status, config] = await Promise.all([client.status(name), client.config(name)]);
        print({ status, config }, () => {
          printStatus(status);
          if (config.lake) console.log(`  lake:            s3://${config.lake.bucket}/${config.lake.folder} (${config.lake.region}) via ${config.lake.roleArn}`);
          console.log(`  flush policy:    ${config.flush.maxFileBytes} bytes or ${config.flush.maxFileAgeMs} ms`);
          console.log(`  exporter account ${config.exporterAccountId ?? 'unknown'}, External ID ${config.externalId}`);
        });
        break;
      }
      case 'flush':
      case 'delete': {
        const name = need('<name>', rest[0]);
        const summary = command === 'flush' ? await client.flushNow(name) : await client.deleteIntegration(name);
        print(summary, () => {
          for (const file of summary.files) console.log(`  ${file.key} (${file.rows} rows, ${file.bytes} bytes)`);
          console.log(`${command === 'flush' ? 'Flushed' : 'Deleted'} ${name}: ${summary.files.length} files, ${summary.rows} rows; status ${summary.status}${summary.statusReason ? `: ${summary.statusReason}` : ''}; ${summary.pendingRows} rows still pending`);
          if (command === 'delete' && summary.pendingRows > 0) console.log('The integration keeps running until the pending rows are exported (nothing is dropped).');
        });
        if (summary.status === 'Failed') process.exitCode = 1;
        break;
      }
      case 'pause':
      case 'resume': {
        const name = need('<name>', rest[0]);
        const status = command === 'pause' ? await client.pause(name) : await client.resume(name);
        print(status, () => printStatus(status));
        break;
      }
      case 'send': {
        const alerts = readAlertsFile(need('<file>', rest[0]));
        const report = await client.publish(alerts, { integration: flags.integration });
        print(report, () => {
          for (const [integration, count] of Object.entries(report.sent)) console.log(`sent ${count} alerts to ${integration}`);
          if (report.notRouted) console.log(`${report.notRouted} valid alerts match no enabled rule (not exported; see \`explain\`)`);
          for (const rejection of report.rejected) console.log(`rejected alert #${rejection.index}${rejection.alertId ? ` (${rejection.alertId})` : ''}: ${rejection.errors.join('; ')}`);
        });
        if (report.rejected.length) process.exitCode = 1;
        break;
      }
      case 'explain': {
        const explanation = await client.explain(readJson(need('<alert.json>', rest[0]), 'one alert as a JSON object'));
        print(explanation, () => console.log(formatExplanation(explanation)));
        break;
      }
      case 'rules':
        await runRules(client, rest, flags, print, need);
        break;
      default:
        throw new InvalidInputError(`unknown command '${command}'\n\n${USAGE}`, []);
    }
  } catch (error) {
    console.error(error instanceof InvalidInputError ? `error: ${error.message}` : error);
    process.exitCode = error instanceof InvalidInputError ? 2 : 1;
  } finally {
    await client.close();
  }
}

async function runRules(
  client: ExporterClient,
  [sub, name]: string[],
  flags: Flags,
  print: (value: unknown, text: () => void) => void,
  need: (what: string, value: string | undefined) => string,
): Promise<void> {
  switch (sub) {
    case 'list': {
      const rules = await client.listRules(flags.integration);
      print(rules, () => {
        if (rules.length === 0) console.log('No alert rules: no alert is exported until a rule routes it.');
        for (const rule of rules) console.log(summarizeRule(rule));
      });
      return;
    }
    case 'add': {
      const input = (flags.file
        ? readJson(flags.file, 'a JSON alert rule')
        : { name: flags.name, alertType: flags.type, target: flags.target, enabled: !flags.disabled, ...ruleFiltersFrom(flags) }) as AlertRuleInput;
      const rule = await client.addRule(input);
      print(rule, () => console.log(`Added ${summarizeRule(rule)}`));
      return;
    }
    case 'update': {
      const patch = (flags.file
        ? readJson(flags.file, 'a JSON rule update')
        : Object.fromEntries(
            Object.entries({ name: flags.name, alertType: flags.type, target: flags.target, ...ruleFiltersFrom(flags) }).filter(
              ([, value]) => value !== undefined && !(typeof value === 'object' && Object.keys(value).length === 0),
            ),
          )) as RuleUpdateInput;
      const rule = await client.updateRule(need('<rule name>', name), patch);
      print(rule, () => console.log(`Updated ${summarizeRule(rule)}`));
      return;
    }
    case 'enable':
    case 'disable': {
      const rule = await client.setRuleEnabled(need('<rule name>', name), sub === 'enable');
      print(rule, () => console.log(`${sub === 'enable' ? 'Enabled' : 'Disabled'} ${summarizeRule(rule)}`));
      return;
    }
    case 'delete': {
      await client.removeRule(need('<rule name>', name));
      print({ deleted: name }, () => console.log(`Deleted alert rule ${name}`));
      return;
    }
    default:
      throw new InvalidInputError(`rules: unknown subcommand '${sub ?? ''}' (list, add, update, enable, disable, delete)`, []);
  }
}
