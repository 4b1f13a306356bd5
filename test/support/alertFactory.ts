/** Hand-made alerts for tests that need exact control over partitions and fields. */
import type { AlertInput } from '../../src/domain/alerts';

let counter = 0;

export function cloudAlert(overrides: Record<string, unknown> = {}): AlertInput {
  counter += 1;
  return {
    alert_type: 'cloud',
    alert_id: `cloud-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    alert_status: 'open',
    alert_description: 'S3 bucket allows public read access',
    alert_created_dt: '2026-11-30T08:00:00Z',
    alert_updated_dt: '2026-11-30T09:00:00Z',
    csp_event_timestamp: '2026-11-30T08:15:00Z',
    policy_id: 's3_bucket_public_access',
    policy_name: 'Ensure that S3 buckets are not publicly accessible',
    policy_type: 'Configuration',
    policy_threat_category: 'internet-exposed',
    risk: 'high',
    csp: 'aws',
    account_id: '111122223333',
    account_name: 'prod',
    region: 'us-east-1',
    resource_id: 'arn:aws:s3:::customer-data',
    resource_name: 'customer-data',
    resource_type: 'AwsS3Bucket',
    tags: { env: 'prod' },
    compliance_benchmark: 'CIS-5.0',
    compliance_control_number: '2.1.4',
    business_unit: 'payments',
    ...overrides,
  } as AlertInput;
}

export function iacAlert(overrides: Record<string, unknown> = {}): AlertInput {
  counter += 1;
  return {
    alert_type: 'iac',
    alert_id: `iac-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    alert_status: 'open',
    alert_description: 'Security group allows ingress from 0.0.0.0/0 to port 22',
    alert_created_dt: '2026-11-30T10:00:00Z',
    policy_id: 'CKV_AWS_24',
    policy_name: 'Ensure no security groups allow ingress from 0.0.0.0:0 to port 22',
    policy_type: 'Configuration',
    severity: 'high',
    scan_plugin: 'terraform',
    csp: 'aws',
    resource_id: 'aws_security_group.bastion',
    resource_name: 'bastion',
    tags: { team: 'platform' },
    policy_categories: ['NETWORKING'],
    repository: 'github.com/example/infra',
    file_path: 'network/bastion.tf',
    ...overrides,
  } as AlertInput;
}
