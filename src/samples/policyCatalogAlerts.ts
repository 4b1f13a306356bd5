/**
 * Deterministic, realistic alerts built from the real policy catalog in
 * `${POLICY_CATALOG_DIR:-<repo>/data/policies}` (Prowler checks for cloud
 * alerts, Checkov checks for IaC alerts; a verbatim copy of the shared catalog
 * so a clone is self-contained; see SOURCES.md there).
 *
 * Same seed, same options → the same alerts, byte for byte: a seeded PRNG
 * (never Math.random) and a fixed reference "now" (the end of the day range).
 * Each alert draws from its own PRNG stream derived from the seed and its
 * index or policy, so asking for more alerts does not change the earlier ones.
 *
 * The catalog's facts come from Prowler and Checkov (Apache-2.0); they are
 * read at run time. Keep SOURCES.md's attribution with them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Alert, CloudProvider, IacScanPlugin, Severity } from '../domain/alerts';
import type { AlertStatus, CloudAlert, IacAlert } from '../domain/alerts';

// ---------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------

export const CloudPolicy = z.object({
  policy_id: z.string().min(1),
  policy_name: z.string().min(1),
  severity: Severity,
  csp: CloudProvider,
  service: z.string(),
  resource_type: z.string(),
  resource_group: z.string().nullable(),
  threat_categories: z.array(z.string()),
  policy_type: z.string(),
  check_types: z.array(z.string()),
  compliance: z.array(z.object({ benchmark: z.string(), control: z.string() })),
  description: z.string(),
});
export type CloudPolicy = z.infer<typeof CloudPolicy>;

export const IacPolicy = z.object({
  policy_id: z.string().min(1),
  policy_name: z.string().min(1),
  scan_plugin: IacScanPlugin,
  csp: CloudProvider,
  resource_types: z.array(z.string()).min(1),
  block_type: z.string(),
  severity: Severity.nullable(),
  categories: z.array(z.string()).min(1),
  guideline: z.string().nullable(),
  compliance: z.null(),
  check_kind: z.string(),
  source_file: z.string(),
});
export type IacPolicy = z.infer<typeof IacPolicy>;

/** `selected`: cloud_policies.json + iac_policies.json; `all`: the *_all.json files. */
export type CatalogSelection = 'selected' | 'all';

export interface PolicyCatalog {
  selection: CatalogSelection;
  dir: string;
  cloud: CloudPolicy[];
  iac: IacPolicy[];
}

/** The nearest folder above this file with a package.json (works from src/ and from dist/). */
function findRepoRoot(startDir: string): string {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${startDir}`);
    dir = parent;
  }
}

export function policyCatalogDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POLICY_CATALOG_DIR ? resolve(env.POLICY_CATALOG_DIR) : resolve(findRepoRoot(__dirname), 'data', 'policies');
}

const catalogCache = new Map<string, PolicyCatalog>();

export function loadPolicyCatalog(options: { catalog?: CatalogSelection; dir?: string } = {}): PolicyCatalog {
  const selection = options.catalog ?? 'selected';
  const dir = options.dir ?? policyCatalogDir();
  const cacheKey = `${selection}:${dir}`;
  const cached = catalogCache.get(cacheKey);
  if (cached) return cached;
  const suffix = selection === 'all' ? '_all' : '';
  const catalog: PolicyCatalog = {
    selection,
    dir,
    cloud: readCatalogFile(join(dir, `cloud_policies${suffix}.json`), CloudPolicy),
    iac: readCatalogFile(join(dir, `iac_policies${suffix}.json`), IacPolicy),
  };
  catalogCache.set(cacheKey, catalog);
  return catalog;
}

function readCatalogFile<T>(path: string, entry: z.ZodType<T>): T[] {
  if (!existsSync(path)) throw new Error(`policy catalog file not found: ${path} (set POLICY_CATALOG_DIR)`);
  const parsed = z.array(entry).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

export type AlertKind = Alert['alert_type'];

export interface DayRange {
  /** First UTC day, YYYY-MM-DD. */
  from: string;
  count: number;
}

export const DEFAULT_DAYS: DayRange = { from: '2026-09-01', count: 3 };

export interface GenerateAlertsOptions {
  count: number;
  seed: number | string;
  /** Default both; about three cloud alerts to one IaC alert. */
  kinds?: readonly AlertKind[];
  days?: DayRange;
  catalog?: CatalogSelection;
  catalogDir?: string;
}

export interface EveryPolicyOptions {
  seed: number | string;
  catalog?: CatalogSelection;
  kinds?: readonly AlertKind[];
  days?: DayRange;
  catalogDir?: string;
}

/** `count` alerts for randomly drawn policies. */
export function generateAlerts(options: GenerateAlertsOptions): Alert[] {
  const catalog = loadPolicyCatalog({ catalog: options.catalog, dir: options.catalogDir });
  const kinds = options.kinds ?? ['cloud', 'iac'];
  const window = dayWindow(options.days ?? DEFAULT_DAYS);
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`count must be a non-negative integer, got ${options.count}`);
  if (kinds.length === 0) throw new Error('kinds must name at least one alert kind');
  const alerts: Alert[] = [];
  for (let index = 0; index < options.count; index++) {
    const random = new SeededRandom(`${options.seed}/alert/${index}`);
    const kind: AlertKind = kinds.length === 1 ? kinds[0] : random.chance(0.75) ? 'cloud' : 'iac';
    alerts.push(
      kind === 'cloud' ? cloudAlertFor(random.pick(catalog.cloud), random, window) : iacAlertFor(random.pick(catalog.iac), random, window),
    );
  }
  return alerts;
}

/** One alert per policy of the catalog (cloud policies first, then IaC, in catalog order). */
export function alertsForEveryPolicy(options: EveryPolicyOptions): Alert[] {
  const catalog = loadPolicyCatalog({ catalog: options.catalog, dir: options.catalogDir });
  const kinds = options.kinds ?? ['cloud', 'iac'];
  const window = dayWindow(options.days ?? DEFAULT_DAYS);
  const alerts: Alert[] = [];
  if (kinds.includes('cloud')) {
    for (const policy of catalog.cloud) alerts.push(cloudAlertFor(policy, new SeededRandom(`${options.seed}/cloud/${policy.csp}/${policy.policy_id}`), window));
  }
  if (kinds.includes('iac')) {
    for (const policy of catalog.iac) alerts.push(iacAlertFor(policy, new SeededRandom(`${options.seed}/iac/${policy.scan_plugin}/${policy.policy_id}`), window));
  }
  return alerts;
}

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/** sfc32 seeded through a string hash: small, fast and reproducible across platforms. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const text = String(seed);
    // cyrb128: four independent 32-bit hashes of the seed text.
    let h1 = 1779033703;
    let h2 = 3144134277;
    let h3 = 1013904242;
    let h4 = 2773480762;
    for (let i = 0; i < text.length; i++) {
      const k = text.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    this.a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
    this.b = (h2 ^ h1) >>> 0;
    this.c = (h3 ^ h1) >>> 0;
    this.d = (h4 ^ h1) >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.int(items.length)];
  }

  /** Picks by weight: [[value, weight], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  hex(length: number): string {
    let text = '';
    while (text.length < length) text += this.nextUint32().toString(16).padStart(8, '0');
    return text.slice(0, length);
  }

  digits(length: number): string {
    let text = String(1 + this.int(9));
    while (text.length < length) text += String(this.int(10));
    return text;
  }

  uuid(): string {
    const hex = this.hex(32);
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

// ---------------------------------------------------------------------------
// The simulated customer estate (fixed: a customer's accounts don't change with the seed)
// ---------------------------------------------------------------------------

interface CloudAccount {
  id: string;
  name: string;
  businessUnit: string;
  regions: readonly string[];
}

interface Organisation {
  id: string;
  name: string;
}

interface KubernetesCluster {
  name: string;
  type: string;
  associatedCloud: Exclude<CloudProvider, 'kubernetes'>;
  account: CloudAccount;
  region: string;
  nodeNames: readonly string[];
}

const AWS_ACCOUNTS: readonly CloudAccount[] = [
  { id: '318740592214', name: 'payments-prod', businessUnit: 'Payments', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { id: '502913847760', name: 'payments-staging', businessUnit: 'Payments', regions: ['us-east-1', 'us-east-2'] },
  { id: '771605238941', name: 'retail-web-prod', businessUnit: 'Retail', regions: ['us-east-1', 'eu-west-1', 'eu-central-1'] },
  { id: '264819370052', name: 'data-platform', businessUnit: 'Data & Analytics', regions: ['us-west-2', 'eu-west-1'] },
  { id: '913357204618', name: 'security-tooling', businessUnit: 'Security', regions: ['us-east-1', 'ap-southeast-2'] },
];
const AZURE_SUBSCRIPTIONS: readonly CloudAccount[] = [
  { id: '6f1c2a8e-3b7d-4e90-9a51-2c4d8e7f0b13', name: 'Contoso-Prod-Retail', businessUnit: 'Retail', regions: ['eastus', 'westeurope', 'centralus'] },
  { id: 'b2e94d17-8c05-4f3a-a6d2-91e7c3f58a40', name: 'Contoso-Dev', businessUnit: 'Platform Engineering', regions: ['eastus', 'northeurope'] },
  // A non-ASCII name keeps the UTF-8 round trip through Parquet honest.
  { id: 'd8a3f6c1-2e49-4b7d-8f10-5c6a9e2b4d77', name: 'Zürich-Finance', businessUnit: 'Finance', regions: ['westeurope', 'uksouth'] },
];
const GCP_PROJECTS: readonly CloudAccount[] = [
  { id: 'acme-analytics-prod', name: 'Acme Analytics Prod', businessUnit: 'Data & Analytics', regions: ['us-central1', 'us-east4'] },
  { id: 'acme-ml-sandbox-4821', name: 'ML Sandbox', businessUnit: 'Data & Analytics', regions: ['us-central1', 'europe-west1'] },
  { id: 'retail-api-prod-7730', name: 'Retail API', businessUnit: 'Retail', regions: ['europe-west1', 'asia-northeast1'] },
];
const ORGANISATIONS: Readonly<Record<Exclude<CloudProvider, 'kubernetes'>, Organisation>> = {
  aws: { id: 'o-7k2m9x4q1d', name: 'Acme Corp' },
  azure: { id: '3c9e1f5a-7b24-4d86-b0e3-a41f2c8d6e95', name: 'Acme Azure Tenant' },
  gcp: { id: '482915736021', name: 'acme.example.com' },
};
const KUBERNETES_CLUSTERS: readonly KubernetesCluster[] = [
  {
    name: 'payments-eks-prod',
    type: 'EKS',
    associatedCloud: 'aws',
    account: AWS_ACCOUNTS[0],
    region: 'us-east-1',
    nodeNames: ['ip-10-0-12-34.ec2.internal', 'ip-10-0-47-201.ec2.internal', 'ip-10-0-88-19.ec2.internal'],
  },
  {
    name: 'retail-aks-prod',
    type: 'AKS',
    associatedCloud: 'azure',
    account: AZURE_SUBSCRIPTIONS[0],
    region: 'westeurope',
    nodeNames: ['aks-nodepool1-31415926-vmss000000', 'aks-nodepool1-31415926-vmss000002'],
  },
  {
    name: 'analytics-gke',
    type: 'GKE',
    associatedCloud: 'gcp',
    account: GCP_PROJECTS[0],
    region: 'us-central1',
    nodeNames: ['gke-analytics-gke-default-pool-1a2b3c4d-x9z8', 'gke-analytics-gke-default-pool-1a2b3c4d-q7w3'],
  },
];
const APP_NAMESPACES = ['payments', 'checkout', 'catalog', 'monitoring', 'ingress-nginx', 'data-pipelines', 'default'];
const CONTROL_PLANE_SERVICES = new Set(['apiserver', 'controllermanager', 'etcd', 'scheduler', 'kubelet']);

/** Services whose resources are account- or tenant-wide: reported under one fixed region. */
const AWS_GLOBAL_SERVICES = new Set(['iam', 'organizations', 'account', 'cloudfront', 'route53', 'trustedadvisor', 'shield', 'fms']);
const AZURE_TENANT_SERVICES = new Set(['entra', 'iam', 'defender', 'policy']);
const GCP_GLOBAL_SERVICES = new Set(['iam', 'apikeys', 'logging', 'dns']);

const WORDS = ['orders', 'checkout', 'ledger', 'inventory', 'catalog', 'auth', 'reporting', 'events', 'audit', 'billing', 'search', 'media', 'payouts', 'fraud'];
const ENVIRONMENTS = ['prod', 'stg', 'dev'];
const TEAMS = ['payments-core', 'storefront', 'platform', 'data-eng', 'secops', 'ml-research'];
const PEOPLE = ['alice.nguyen', 'priya.shah', 'marco.rossi', 'li.wei', 'sam.okafor', 'jana.novak', 'diego.alvarez'];
const POWER_CATEGORIES = ['Admin', 'Privileged', 'Standard', 'Read-only'];

// ---------------------------------------------------------------------------
// Cloud alerts
// ---------------------------------------------------------------------------

interface Placement {
  csp: CloudProvider;
  account: CloudAccount;
  region: string;
  organisation?: Organisation;
  cluster?: KubernetesCluster;
  namespace?: string;
}

interface GeneratedResource {
  id: string;
  name: string;
}

function cloudAlertFor(policy: CloudPolicy, random: SeededRandom, window: TimeWindow): Alert {
  const placement = placementFor(policy, random);
  const resource = resourceFor(policy, placement, random);
  const times = timesFor(random, window);
  const status = statusFor(random);
  const compliance = policy.compliance.length > 0 && random.chance(0.85) ? random.pick(policy.compliance.slice(0, 2)) : undefined;
  const identity = random.chance(0.7) ? identityFor(placement, random) : undefined;
  const alert: CloudAlert = {
    alert_type: 'cloud',
    alert_id: random.uuid(),
    alert_status: status,
    alert_status_description: statusDescriptionFor(status, random),
    alert_description: `${policy.description} Failing resource: ${resource.name} in ${placement.cluster?.name ?? placement.account.name} (${placement.region}).`,
    alert_created_dt: formatInstant(times.createdMs),
    alert_updated_dt: times.updatedMs === undefined ? undefined : formatInstant(times.updatedMs),
    policy_id: policy.policy_id,
    policy_name: policy.policy_name,
    policy_type: policy.policy_type,
    policy_theme: policy.resource_group ?? policy.service,
    age: times.ageDays,
    resource_id: resource.id,
    resource_name: resource.name,
    tags: tagsFor(placement.account, random),
    compliance_benchmark: compliance?.benchmark,
    compliance_control_number: compliance?.control,
    business_unit: placement.account.businessUnit,
    risk: policy.severity,
    csp: placement.csp,
    // Some publishers send a zone offset instead of Z: the same instant either way.
    csp_event_timestamp: random.chance(0.1) ? formatInstantWithOffset(times.eventMs, random.pick([120, -300, 330])) : formatInstant(times.eventMs),
    policy_threat_category: policy.threat_categories.length > 0 ? random.pick(policy.threat_categories) : undefined,
    account_id: placement.account.id,
    account_name: placement.account.name,
    organisation_id: placement.organisation?.id,
    organisation_name: placement.organisation?.name,
    region: placement.region,
    resource_type: policy.resource_type,
    cluster_name: placement.cluster?.name,
    cluster_type: placement.cluster?.type,
    namespace: placement.namespace,
    associated_cloud: placement.cluster?.associatedCloud,
    identity_id: identity?.id,
    identity_type: identity?.type,
    identity_source: identity?.source,
    identity_name: identity?.name,
    identity_power_category: identity?.powerCategory,
  };
  return Alert.parse(withoutUndefined(alert));
}

function placementFor(policy: CloudPolicy, random: SeededRandom): Placement {
  switch (policy.csp) {
    case 'aws': {
      const account = random.pick(AWS_ACCOUNTS);
      const region = AWS_GLOBAL_SERVICES.has(policy.service) ? 'us-east-1' : random.pick(account.regions);
      return { csp: 'aws', account, region, organisation: random.chance(0.8) ? ORGANISATIONS.aws : undefined };
    }
    case 'azure': {
      const account = random.pick(AZURE_SUBSCRIPTIONS);
      const region = AZURE_TENANT_SERVICES.has(policy.service) ? 'global' : random.pick(account.regions);
      return { csp: 'azure', account, region, organisation: ORGANISATIONS.azure };
    }
    case 'gcp': {
      const account = random.pick(GCP_PROJECTS);
      const region = GCP_GLOBAL_SERVICES.has(policy.service) ? 'global' : random.pick(account.regions);
      return { csp: 'gcp', account, region, organisation: random.chance(0.7) ? ORGANISATIONS.gcp : undefined };
    }
    case 'kubernetes': {
      // A cluster lives in a cloud account and region: that is where its alerts are partitioned.
      const cluster = random.pick(KUBERNETES_CLUSTERS);
      const clusterScoped = ['Node', 'ClusterRole', 'ClusterRoleBinding'].includes(policy.resource_type);
      const namespace = clusterScoped ? undefined : CONTROL_PLANE_SERVICES.has(policy.service) ? 'kube-system' : random.pick(APP_NAMESPACES);
      return { csp: 'kubernetes', account: cluster.account, region: cluster.region, organisation: ORGANISATIONS[cluster.associatedCloud], cluster, namespace };
    }
  }
}

function resourceFor(policy: CloudPolicy, placement: Placement, random: SeededRandom): GeneratedResource {
  switch (placement.csp) {
    case 'aws':
      return awsResource(policy, placement, random);
    case 'azure':
      return azureResource(policy, placement, random);
    case 'gcp':
      return gcpResource(policy, placement, random);
    case 'kubernetes':
      return kubernetesResource(policy, placement, random);
  }
}

/** Prowler service names that differ from the ARN service namespace. */
const AWS_ARN_SERVICES: Readonly<Record<string, string>> = {
  awslambda: 'lambda',
  elb: 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
  opensearch: 'es',
  cloudwatch: 'cloudwatch',
  accessanalyzer: 'access-analyzer',
  apigatewayv2: 'apigateway',
  directoryservice: 'ds',
  documentdb: 'rds',
  eventbridge: 'events',
  stepfunctions: 'states',
  vpc: 'ec2',
  inspector2: 'inspector2',
  resourceexplorer2: 'resource-explorer-2',
  ssmincidents: 'ssm-incidents',
};

/** EC2-style resources identified by a prefixed hex id. */
const AWS_EC2_ID_PREFIXES: Readonly<Record<string, { prefix: string; kind: string }>> = {
  AwsEc2Instance: { prefix: 'i-', kind: 'instance' },
  AwsEc2SecurityGroup: { prefix: 'sg-', kind: 'security-group' },
  AwsEc2Volume: { prefix: 'vol-', kind: 'volume' },
  AwsEc2Vpc: { prefix: 'vpc-', kind: 'vpc' },
  AwsEc2Subnet: { prefix: 'subnet-', kind: 'subnet' },
  AwsEc2NetworkAcl: { prefix: 'acl-', kind: 'network-acl' },
  AwsEc2Eip: { prefix: 'eipalloc-', kind: 'elastic-ip' },
  AwsEc2LaunchTemplate: { prefix: 'lt-', kind: 'launch-template' },
  AwsEc2TransitGateway: { prefix: 'tgw-', kind: 'transit-gateway' },
  AwsEc2VpcPeeringConnection: { prefix: 'pcx-', kind: 'vpc-peering-connection' },
  AwsEc2VpcEndpointService: { prefix: 'vpce-svc-', kind: 'vpc-endpoint-service' },
  AwsEc2ClientVpnEndpoint: { prefix: 'cvpn-endpoint-', kind: 'client-vpn-endpoint' },
};

function awsResource(policy: CloudPolicy, placement: Placement, random: SeededRandom): GeneratedResource {
  const { account, region } = placement;
  const word = random.pick(WORDS);
  const env = random.pick(ENVIRONMENTS);
  const type = policy.resource_type;
  const ec2 = AWS_EC2_ID_PREFIXES[type];
  if (ec2) {
    const id = `${ec2.prefix}${random.hex(17)}`;
    return { id: `arn:aws:ec2:${region}:${account.id}:${ec2.kind}/${id}`, name: `${env}-${word}-${ec2.kind}` };
  }
  switch (type) {
    case 'AwsS3Bucket': {
      const name = `acme-${word}-${env}-${random.hex(4)}`;
      return { id: `arn:aws:s3:::${name}`, name };
    }
    case 'AwsIamUser': {
      const name = random.pick(PEOPLE);
      return { id: `arn:aws:iam::${account.id}:user/${name}`, name };
    }
    case 'AwsIamRole': {
      const name = `${word}-${random.pick(['deployer', 'reader', 'lambda-exec', 'ecs-task'])}`;
      return { id: `arn:aws:iam::${account.id}:role/${name}`, name };
    }
    case 'AwsIamPolicy': {
      const name = `${word}-${random.pick(['full-access', 'read-only', 's3-write', 'admin'])}`;
      return { id: `arn:aws:iam::${account.id}:policy/${name}`, name };
    }
    case 'AwsIamGroup': {
      const name = random.pick(['Developers', 'Admins', 'Auditors', 'DataScientists']);
      return { id: `arn:aws:iam::${account.id}:group/${name}`, name };
    }
    case 'AwsIamAccessKey': {
      const user = random.pick(PEOPLE);
      return { id: `AKIA${random.hex(16).toUpperCase()}`, name: user };
    }
    case 'AwsLambdaFunction': {
      const name = `${word}-${random.pick(['handler', 'processor', 'webhook', 'cron'])}-${env}`;
      return { id: `arn:aws:lambda:${region}:${account.id}:function:${name}`, name };
    }
    case 'AwsKmsKey':
      return { id: `arn:aws:kms:${region}:${account.id}:key/${random.uuid()}`, name: `alias/${word}-${env}` };
    case 'AwsRdsDbInstance': {
      const name = `${word}-${env}-db-${random.between(1, 3)}`;
      return { id: `arn:aws:rds:${region}:${account.id}:db:${name}`, name };
    }
    case 'AwsRdsDbCluster': {
      const name = `${word}-${env}-aurora`;
      return { id: `arn:aws:rds:${region}:${account.id}:cluster:${name}`, name };
    }
    case 'AwsCloudTrailTrail': {
      const name = random.pick(['org-trail', 'management-events', 'data-events']);
      return { id: `arn:aws:cloudtrail:${region}:${account.id}:trail/${name}`, name };
    }
  }
  // Anything else: arn:aws:<service>:<region>:<account>:<kind>/<name>, the kind read off the type name.
  const service = AWS_ARN_SERVICES[policy.service] ?? policy.service;
  const kind = type === 'Other' ? service : awsResourceKind(type, policy.service);
  const name = `${env}-${word}-${kind}`;
  const arnRegion = AWS_GLOBAL_SERVICES.has(policy.service) ? '' : region;
  return { id: `arn:aws:${service}:${arnRegion}:${account.id}:${kind}/${name}`, name };
}

/** `AwsCloudWatchAlarm` with service `cloudwatch` → `alarm`; `AwsElbv2LoadBalancer` → `load-balancer`. */
function awsResourceKind(type: string, service: string): string {
  const words = type.replace(/^Aws/, '').match(/[A-Z][a-z0-9]*|[0-9]+/g) ?? [type];
  let consumed = '';
  let start = 0;
  while (start < words.length - 1 && service.startsWith((consumed + words[start]).toLowerCase())) {
    consumed += words[start];
    start += 1;
  }
  return words
    .slice(start)
    .map((word) => word.toLowerCase())
    .join('-');
}

function azureResource(policy: CloudPolicy, placement: Placement, random: SeededRandom): GeneratedResource {
  const subscription = placement.account.id;
  const env = random.pick(ENVIRONMENTS);
  const word = random.pick(WORDS);
  const resourceGroup = `rg-${word}-${env}`;
  const type = policy.resource_type;
  if (type === 'microsoft.resources/subscriptions') return { id: `/subscriptions/${subscription}`, name: placement.account.name };
  if (type === 'NotDefined' || !type.includes('/')) {
    // Tenant-level settings (Entra, Defender plans): named after the service.
    const name = `${policy.service}-settings`;
    return { id: `/subscriptions/${subscription}/providers/microsoft.${policy.service}/settings/${name}`, name };
  }
  const [namespace, ...typeSegments] = type.split('/');
  // Storage account names: 3-24 lowercase letters and digits.
  const name = namespace === 'microsoft.storage' ? `st${word}${env}${random.digits(3)}`.slice(0, 24) : `${word}-${env}-${typeSegments[typeSegments.length - 1].replace(/s$/, '')}`;
  // Nested types (vaults/keys) need a parent name per level.
  const path = typeSegments.map((segment, index) => `${segment}/${index === typeSegments.length - 1 ? name : `${word}-${env}-${segment.replace(/s$/, '')}`}`).join('/');
  return { id: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/${namespace}/${path}`, name };
}

function gcpResource(policy: CloudPolicy, placement: Placement, random: SeededRandom): GeneratedResource {
  const project = placement.account.id;
  const word = random.pick(WORDS);
  const env = random.pick(ENVIRONMENTS);
  const [service, kind] = policy.resource_type.includes('/') ? policy.resource_type.split('/') : ['logging.googleapis.com', policy.resource_type];
  if (kind === 'Project') return { id: `//${service}/projects/${project}`, name: project };
  if (kind === 'Organization') return { id: `//${service}/organizations/${ORGANISATIONS.gcp.id}`, name: ORGANISATIONS.gcp.name };
  const name = kind === 'ServiceAccount' ? `${word}-sa@${project}.iam.gserviceaccount.com` : `${word}-${env}-${kind.toLowerCase()}`;
  const collection = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}s`;
  const location = kind === 'Instance' && service === 'compute.googleapis.com' ? `zones/${placement.region === 'global' ? 'us-central1' : placement.region}-${random.pick(['a', 'b', 'c'])}/` : '';
  return { id: `//${service}/projects/${project}/${location}${collection}/${name}`, name };
}

function kubernetesResource(policy: CloudPolicy, placement: Placement, random: SeededRandom): GeneratedResource {
  const cluster = placement.cluster!;
  const kind = policy.resource_type === 'KubernetesPod' ? 'Pod' : policy.resource_type;
  let name: string;
  switch (kind) {
    case 'Node':
      name = random.pick(cluster.nodeNames);
      break;
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      name = random.pick(['cluster-admin', 'system:node-proxier', `${random.pick(WORDS)}-operator`]);
      break;
    case 'ConfigMap':
      name = random.pick(['kube-proxy', 'coredns', 'kubelet-config', `${random.pick(WORDS)}-config`]);
      break;
    default:
      name = CONTROL_PLANE_SERVICES.has(policy.service)
        ? `kube-${policy.service === 'controllermanager' ? 'controller-manager' : policy.service}-${random.pick(cluster.nodeNames)}`
        : `${random.pick(WORDS)}-api-${random.hex(9)}-${random.hex(5)}`;
  }
  const id = placement.namespace ? `${cluster.name}/namespaces/${placement.namespace}/${kind}/${name}` : `${cluster.name}/${kind}/${name}`;
  return { id, name };
}

interface Identity {
  id: string;
  type: string;
  source: string;
  name: string;
  powerCategory?: string;
}

function identityFor(placement: Placement, random: SeededRandom): Identity {
  const person = random.pick(PEOPLE);
  const powerCategory = random.chance(0.9) ? random.pick(POWER_CATEGORIES) : undefined;
  const human = random.chance(0.6);
  switch (placement.csp) {
    case 'aws':
      return human
        ? { id: `arn:aws:iam::${placement.account.id}:user/${person}`, type: 'IAMUser', source: random.pick(['AWS IAM', 'Okta']), name: `${person}@example.com`, powerCategory }
        : { id: `arn:aws:iam::${placement.account.id}:role/ci-deployer`, type: 'IAMRole', source: 'AWS IAM', name: 'ci-deployer', powerCategory };
    case 'azure':
      return human
        ? { id: random.uuid(), type: 'User', source: 'Entra ID', name: `${person}@contoso.example.com`, powerCategory }
        : { id: random.uuid(), type: 'ServicePrincipal', source: 'Entra ID', name: 'sp-deploy-pipeline', powerCategory };
    case 'gcp': {
      if (human) return { id: `user:${person}@example.com`, type: 'User', source: 'Google Cloud IAM', name: `${person}@example.com`, powerCategory };
      const serviceAccount = `deployer@${placement.account.id}.iam.gserviceaccount.com`;
      return { id: `serviceAccount:${serviceAccount}`, type: 'ServiceAccount', source: 'Google Cloud IAM', name: serviceAccount, powerCategory };
    }
    case 'kubernetes': {
      const namespace = placement.namespace ?? 'kube-system';
      return human
        ? { id: `oidc:${person}@example.com`, type: 'User', source: 'Kubernetes RBAC', name: `${person}@example.com`, powerCategory }
        : { id: `system:serviceaccount:${namespace}:default`, type: 'ServiceAccount', source: 'Kubernetes RBAC', name: 'default', powerCategory };
    }
  }
}

// ---------------------------------------------------------------------------
// IaC alerts
// ---------------------------------------------------------------------------

const REPOSITORIES: Readonly<Record<CloudProvider, ReadonlyArray<{ url: string; businessUnit: string }>>> = {
  aws: [
    { url: 'github.com/acme/payments-infra', businessUnit: 'Payments' },
    { url: 'github.com/acme/platform-terraform', businessUnit: 'Platform Engineering' },
  ],
  azure: [{ url: 'dev.azure.com/contoso/retail/_git/infrastructure', businessUnit: 'Retail' }],
  gcp: [{ url: 'gitlab.com/acme/analytics-infra', businessUnit: 'Data & Analytics' }],
  kubernetes: [
    { url: 'github.com/acme/k8s-manifests', businessUnit: 'Platform Engineering' },
    { url: 'github.com/acme/payments-helm-charts', businessUnit: 'Payments' },
  ],
};

/**
 * Checkov OSS checks carry no severity (see SOURCES.md), so one is assigned
 * from the check's first category, the way a platform would triage them.
 */
const SEVERITY_BY_CATEGORY: Readonly<Record<string, Severity>> = {
  SECRETS: 'critical',
  IAM: 'high',
  ENCRYPTION: 'high',
  NETWORKING: 'high',
  SUPPLY_CHAIN: 'high',
  KUBERNETES: 'medium',
  GENERAL_SECURITY: 'medium',
  APPLICATION_SECURITY: 'medium',
  BACKUP_AND_RECOVERY: 'medium',
  AI_AND_ML: 'medium',
  LOGGING: 'low',
  CONVENTION: 'informational',
};

function iacAlertFor(policy: IacPolicy, random: SeededRandom, window: TimeWindow): Alert {
  const repository = random.pick(REPOSITORIES[policy.csp]);
  const resourceType = random.pick(policy.resource_types);
  const localName = `${random.pick(WORDS)}${random.chance(0.5) ? `_${random.pick(ENVIRONMENTS)}` : ''}`;
  const { resourceName, filePath } = iacLocation(policy, resourceType, localName, random);
  const times = timesFor(random, window);
  const status = statusFor(random);
  // Most scanners' alerts arrive triaged; some come without a severity (mapped to OCSF Unknown).
  const severity = policy.severity ?? (random.chance(0.85) ? (SEVERITY_BY_CATEGORY[policy.categories[0]] ?? 'medium') : undefined);
  const alert: IacAlert = {
    alert_type: 'iac',
    alert_id: random.uuid(),
    alert_status: status,
    alert_status_description: statusDescriptionFor(status, random),
    alert_description: `${policy.policy_name}. Check ${policy.policy_id} failed for ${resourceName} in ${filePath}.`,
    alert_created_dt: formatInstant(times.createdMs),
    alert_updated_dt: times.updatedMs === undefined ? undefined : formatInstant(times.updatedMs),
    policy_id: policy.policy_id,
    policy_name: policy.policy_name,
    // Checkov checks are static configuration checks of the template.
    policy_type: 'Configuration',
    policy_theme: titleCase(policy.categories[0]),
    age: times.ageDays,
    resource_id: `${repository.url}/${filePath}#${resourceName}`,
    resource_name: resourceName,
    tags: random.chance(0.5) ? { env: random.pick(ENVIRONMENTS), team: random.pick(TEAMS) } : {},
    business_unit: repository.businessUnit,
    severity,
    scan_plugin: policy.scan_plugin,
    csp: random.chance(0.9) ? policy.csp : undefined,
    policy_categories: policy.categories,
    repository: repository.url,
    file_path: filePath,
  };
  return Alert.parse(withoutUndefined(alert));
}

/** The resource as Checkov names it, and the template file it is declared in. */
function iacLocation(policy: IacPolicy, resourceType: string, localName: string, random: SeededRandom): { resourceName: string; filePath: string } {
  switch (policy.scan_plugin) {
    case 'terraform': {
      const module = resourceType.split('_').slice(1, 3).join('_') || 'main';
      const filePath = random.chance(0.5) ? `modules/${module}/main.tf` : `envs/${random.pick(ENVIRONMENTS)}/${module}.tf`;
      return { resourceName: `${resourceType}.${localName}`, filePath };
    }
    case 'cloudformation': {
      const logicalId = `${titleCase(localName).replace(/\s+/g, '')}${resourceType.split('::').pop() ?? 'Resource'}`;
      return { resourceName: `${resourceType}.${logicalId}`, filePath: `templates/${localName.replace(/_/g, '-')}-stack.yaml` };
    }
    case 'arm': {
      const name = `${localName.replace(/_/g, '')}${random.digits(2)}`;
      return { resourceName: `${resourceType}.${name}`, filePath: `arm/${localName.replace(/_/g, '-')}/azuredeploy.json` };
    }
    case 'kubernetes': {
      const namespace = random.pick(APP_NAMESPACES);
      const name = localName.replace(/_/g, '-');
      return { resourceName: `${resourceType}.${namespace}.${name}`, filePath: `manifests/${namespace}/${name}-${resourceType.toLowerCase()}.yaml` };
    }
  }
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

interface TimeWindow {
  startMs: number;
  days: number;
  /** The reference "now" for ages and updates: the end of the window. */
  endMs: number;
}

const DAY_MS = 86_400_000;

function dayWindow(days: DayRange): TimeWindow {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(days.from) || Number.isNaN(Date.parse(`${days.from}T00:00:00Z`))) throw new Error(`days.from must be YYYY-MM-DD, got ${days.from}`);
  if (!Number.isInteger(days.count) || days.count < 1) throw new Error(`days.count must be a positive integer, got ${days.count}`);
  const startMs = Date.parse(`${days.from}T00:00:00Z`);
  return { startMs, days: days.count, endMs: startMs + days.count * DAY_MS };
}

interface AlertTimes {
  eventMs: number;
  createdMs: number;
  updatedMs?: number;
  ageDays: number;
}

function timesFor(random: SeededRandom, window: TimeWindow): AlertTimes {
  const eventMs = window.startMs + random.int(window.days) * DAY_MS + random.int(DAY_MS - 20 * 60_000);
  // The product raises the alert a few minutes after the cloud event.
  const createdMs = eventMs + random.between(30_000, 15 * 60_000);
  const updatedMs = random.chance(0.6) ? Math.min(createdMs + random.between(60_000, 2 * DAY_MS), window.endMs - 1) : undefined;
  return { eventMs, createdMs, updatedMs, ageDays: Math.floor((window.endMs - createdMs) / DAY_MS) };
}

function statusFor(random: SeededRandom): AlertStatus {
  return random.weighted<AlertStatus>([
    ['open', 55],
    ['resolved', 20],
    ['dismissed', 15],
    ['snoozed', 10],
  ]);
}

function statusDescriptionFor(status: AlertStatus, random: SeededRandom): string | undefined {
  switch (status) {
    case 'open':
      return random.chance(0.5) ? 'Policy violation detected by the latest scan.' : undefined;
    case 'resolved':
      return 'Resolved: the resource passes the policy check.';
    case 'dismissed':
      return random.pick(['Dismissed: accepted risk, approved by the security team.', 'Dismissed: false positive, a compensating control is in place.']);
    case 'snoozed':
      return 'Snoozed for 30 days pending a maintenance window.';
  }
}

function tagsFor(account: CloudAccount, random: SeededRandom): Record<string, string> {
  if (random.chance(0.2)) return {};
  const tags: Record<string, string> = { env: random.pick(ENVIRONMENTS), team: random.pick(TEAMS) };
  if (random.chance(0.6)) tags['cost-center'] = `CC-${random.digits(4)}`;
  if (random.chance(0.4)) tags['data-classification'] = random.pick(['confidential', 'internal', 'public']);
  if (random.chance(0.3)) tags.owner = `${random.pick(PEOPLE)}@example.com`;
  if (random.chance(0.2)) tags['business-unit'] = account.businessUnit;
  return tags;
}

/** RFC 3339 in UTC with milliseconds. */
function formatInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The same instant written with a zone offset, e.g. 2026-09-01T10:15:00.123+02:00. */
function formatInstantWithOffset(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
}

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** Drops keys whose value is undefined, so alerts read as a publisher would send them. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
