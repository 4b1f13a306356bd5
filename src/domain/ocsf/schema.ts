/**
 * The resolved OCSF 1.1.0 Security Finding class (2001), read once from the
 * vendored JSON in `schema/ocsf/`. This file is the only description of the
 * class in the code base: the mapping takes enum captions from it, the
 * validator compiles its checks from it and the Parquet schema is derived
 * from it, so nothing is copied by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

export const SECURITY_FINDING_SCHEMA_FILE = 'security_finding_2001_v1.1.0.json';

const AttributeRequirement = z.enum(['required', 'recommended', 'optional']);
export type AttributeRequirement = z.infer<typeof AttributeRequirement>;

const Deprecation = z.object({ message: z.string(), since: z.string() }).partial();

/** One attribute of the class or of an object, as the resolver wrote it (see schema/ocsf README). */
export const OcsfAttribute = z.looseObject({
  caption: z.string(),
  /** A scalar type name (`string_t`, `timestamp_t`, ...) or, for objects, the object name. */
  type: z.string(),
  /** Set for object attributes only. */
  object_type: z.string().optional(),
  base_type: z.string(),
  is_array: z.boolean(),
  requirement: AttributeRequirement,
  /** `null` for core attributes, otherwise the profile that adds the attribute. */
  profile: z.string().nullable(),
  /** For `*_id` enums: the name of the caption attribute next to it. */
  sibling: z.string().optional(),
  enum: z.record(z.string(), z.string()).optional(),
  deprecated: Deprecation.optional(),
  description: z.string().optional(),
});
export type OcsfAttribute = z.infer<typeof OcsfAttribute>;

const Constraints = z.looseObject({
  at_least_one: z.array(z.string()).optional(),
  just_one: z.array(z.string()).optional(),
});
export type OcsfConstraints = z.infer<typeof Constraints>;

export const OcsfObject = z.looseObject({
  name: z.string(),
  caption: z.string(),
  reachable_from_class: z.boolean(),
  extends_chain: z.array(z.string()),
  constraints: Constraints.optional(),
  profiles: z.array(z.string()).optional(),
  deprecated: Deprecation.optional(),
  attributes: z.record(z.string(), OcsfAttribute),
});
export type OcsfObject = z.infer<typeof OcsfObject>;

export const OcsfClass = z.looseObject({
  uid: z.number().int(),
  name: z.string(),
  caption: z.string(),
  category: z.string(),
  category_uid: z.number().int(),
  category_name: z.string(),
  profiles: z.array(z.string()),
  constraints: Constraints.optional(),
  deprecated: Deprecation.optional(),
  attributes: z.record(z.string(), OcsfAttribute),
});
export type OcsfClass = z.infer<typeof OcsfClass>;

/** A scalar type from the `types` section (regex, max_len and range come from dictionary.json). */
export const OcsfType = z.looseObject({
  caption: z.string(),
  base_type: z.string(),
  regex: z.string().optional(),
  max_len: z.number().int().positive().optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  values: z.array(z.unknown()).optional(),
});
export type OcsfType = z.infer<typeof OcsfType>;

export const OcsfProfile = z.looseObject({
  caption: z.string(),
  /** `class` or `object:<name>` → attribute names the profile adds there. */
  attributes_added: z.record(z.string(), z.array(z.string())),
});

export const ResolvedClassSchema = z.looseObject({
  ocsf_version: z.string(),
  source: z.string(),
  class: OcsfClass,
  objects: z.record(z.string(), OcsfObject),
  profiles: z.record(z.string(), OcsfProfile),
  types: z.record(z.string(), OcsfType),
});
export type ResolvedClassSchema = z.infer<typeof ResolvedClassSchema>;

/**
 * The repository root: the nearest folder above this file with a
 * package.json. Walking up (instead of a fixed `../../..`) keeps the path
 * right both for ts sources and for the compiled copy under dist/.
 */
function findRepoRoot(startDir: string): string {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (package.json + schema/) above ${startDir}`);
    dir = parent;
  }
}

export const SECURITY_FINDING_SCHEMA_PATH = resolve(findRepoRoot(__dirname), 'schema', 'ocsf', SECURITY_FINDING_SCHEMA_FILE);

function loadResolvedClass(path: string): ResolvedClassSchema {
  const parsed = ResolvedClassSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a resolved OCSF class: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Loaded at module load: a missing or malformed schema must fail the process at start, not mid-export. */
export const securityFindingSchema: ResolvedClassSchema = loadResolvedClass(SECURITY_FINDING_SCHEMA_PATH);

export function ocsfVersion(): string {
  return securityFindingSchema.ocsf_version;
}

export function securityFindingClass(): OcsfClass {
  return securityFindingSchema.class;
}

export function classAttributes(): Readonly<Record<string, OcsfAttribute>> {
  return securityFindingSchema.class.attributes;
}

export function classAttribute(name: string): OcsfAttribute {
  const attribute = securityFindingSchema.class.attributes[name];
  if (!attribute) throw new Error(`class ${securityFindingSchema.class.name} has no attribute ${name}`);
  return attribute;
}

export function ocsfObjects(): Readonly<Record<string, OcsfObject>> {
  return securityFindingSchema.objects;
}

export function ocsfObject(name: string): OcsfObject {
  const object = securityFindingSchema.objects[name];
  if (!object) throw new Error(`the resolved schema has no object ${name}`);
  return object;
}

export function objectAttribute(objectName: string, attributeName: string): OcsfAttribute {
  const attribute = ocsfObject(objectName).attributes[attributeName];
  if (!attribute) throw new Error(`object ${objectName} has no attribute ${attributeName}`);
  return attribute;
}

export function ocsfTypes(): Readonly<Record<string, OcsfType>> {
  return securityFindingSchema.types;
}

export function ocsfType(name: string): OcsfType {
  const type = securityFindingSchema.types[name];
  if (!type) throw new Error(`the resolved schema has no type ${name}`);
  return type;
}

/** Names of all profiles the schema defines (what `metadata.profiles` may list). */
export function profileNames(): string[] {
  return Object.keys(securityFindingSchema.profiles);
}

/** The caption of an enum value, e.g. `enumCaption(classAttribute('severity_id'), 3)` → `Medium`. */
export function enumCaption(attribute: OcsfAttribute, id: number): string {
  const caption = attribute.enum?.[String(id)];
  if (caption === undefined) throw new Error(`${attribute.caption}: ${id} is not an enum value`);
  return caption;
}

/** The longest string a scalar type allows (its own max_len, else its base type's). */
export function maxStringLength(typeName: string): number | undefined {
  const type = ocsfType(typeName);
  if (type.max_len !== undefined) return type.max_len;
  return type.base_type !== typeName ? securityFindingSchema.types[type.base_type]?.max_len : undefined;
}
