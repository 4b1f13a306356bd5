/**
 * Where an alert lands in the lake: Security Lake's custom-source layout
 * `<folder>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/`.
 */
import type { Alert } from './alerts';
import { cloudAccountId, regionName } from './alerts';
import type { LakeSettings } from './integration';

export interface Partition {
  region: string;
  accountId: string;
  /** UTC day of the finding's time, YYYYMMDD. */
  eventDay: string;
}

/** The instant OCSF `time` is taken from: the cloud event, or the IaC scan's alert creation. */
export function findingTime(alert: Alert): string {
  return alert.alert_type === 'cloud' ? alert.csp_event_timestamp : alert.alert_created_dt;
}

export function utcEventDay(isoInstant: string): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date-time: ${isoInstant}`);
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The account that owns an IAM role ARN (`arn:aws:iam::<account>:role/...`). */
export function roleAccountId(roleArn: string): string {
  const account = roleArn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new Error(`role ARN has no 12-digit account: ${roleArn}`);
  return account;
}

/**
 * A cloud alert is partitioned by its own region and cloud account. An IaC
 * alert has neither, so it goes under the lake's own region and account
 * (the bucket region and the account of the role ARN).
 */
export function partitionOf(alert: Alert, lake: Pick<LakeSettings, 'region' | 'roleArn'>): Partition {
  const eventDay = utcEventDay(findingTime(alert));
  if (alert.alert_type === 'cloud') {
    return { region: regionName.parse(alert.region), accountId: cloudAccountId.parse(alert.account_id), eventDay };
  }
  return { region: lake.region, accountId: roleAccountId(lake.roleArn), eventDay };
}

/** A stable identifier of a partition, usable in keys and as a map key. */
export function partitionKey(partition: Partition): string {
  return `region=${partition.region}/accountId=${partition.accountId}/eventDay=${partition.eventDay}`;
}

export function parsePartitionKey(key: string): Partition {
  const match = /^region=([a-z0-9-]+)\/accountId=([a-z0-9-]+)\/eventDay=(\d{8})$/.exec(key);
  if (!match) throw new Error(`not a partition key: ${key}`);
  return { region: match[1], accountId: match[2], eventDay: match[3] };
}

/** The lake prefix of a partition under the custom source's folder. */
export function partitionPrefix(folder: string, partition: Partition): string {
  return folder ? `${folder}/${partitionKey(partition)}/` : `${partitionKey(partition)}/`;
}
