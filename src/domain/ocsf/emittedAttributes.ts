/**
 * Every OCSF attribute our mapping may emit, as a path into the Security
 * Finding class (`[]` marks an array). The Parquet schema is derived from the
 * OCSF class restricted to these paths, so a column exists exactly for what we
 * can write; the mapping tests check that every emitted value is on this list.
 */
export const EMITTED_ATTRIBUTE_PATHS = [
  'category_name',
  'category_uid',
  'class_name',
  'class_uid',
  'activity_id',
  'activity_name',
  'type_uid',
  'type_name',
  'state_id',
  'state',
  'status_id',
  'status',
  'status_detail',
  'message',
  'severity_id',
  'severity',
  'time',
  'time_dt',
  'confidence_id',
  'finding.uid',
  'finding.title',
  'finding.desc',
  'finding.created_time',
  'finding.created_time_dt',
  'finding.modified_time',
  'finding.modified_time_dt',
  'finding.types[]',
  'cloud.provider',
  'cloud.region',
  'cloud.account.uid',
  'cloud.account.name',
  'cloud.org.uid',
  'cloud.org.name',
  'resources[].uid',
  'resources[].name',
  'resources[].type',
  'resources[].labels[]',
  'resources[].data',
  'resources[].namespace',
  'resources[].region',
  'resources[].owner.name',
  'resources[].owner.uid',
  'resources[].owner.type',
  'resources[].owner.type_id',
  'resources[].owner.domain',
  'resources[].owner.email_addr',
  'resources[].owner.groups[].name',
  'metadata.version',
  'metadata.uid',
  'metadata.log_name',
  // Profiles whose attributes the row carries (cloud, datetime): OCSF validators drop profile attributes not listed here.
  'metadata.profiles[]',
  'metadata.product.name',
  'metadata.product.vendor_name',
  'metadata.product.version',
  'metadata.product.uid',
  'compliance.standards[]',
  'compliance.control',
  'compliance.requirements[]',
  'unmapped',
] as const;

export type EmittedAttributePath = (typeof EMITTED_ATTRIBUTE_PATHS)[number];

/** The OCSF release we emit (`metadata.version`). */
export const OCSF_VERSION = '1.1.0';
