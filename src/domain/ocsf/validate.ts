/**
 * Validates a Security Finding row against the resolved OCSF class read by
 * ./schema (no hand-written copy of the class here). The definition is
 * compiled once into a tree of checkers so that every row can be checked
 * before it is written.
 *
 * OCSF rules (as the OCSF server's validator applies them): required
 * attributes present, scalar types and the `types` section's regex / max_len /
 * range, arrays vs single values, enum ids defined and their sibling caption
 * matching (any caption for 99 Other), `type_uid = class_uid * 100 +
 * activity_id`, `at_least_one` / `just_one` constraints, no attribute the
 * class or object does not define, profile attributes only with their profile
 * in `metadata.profiles`, metadata.profiles naming known profiles.
 *
 * Our stricter rules, because the row is bound for Parquet and Security Lake:
 * every attribute path is in EMITTED_ATTRIBUTE_PATHS; integer_t fits 32 bits
 * (INT32 column); datetime_t carries a zone and is a real instant, and equals
 * its timestamp sibling (`time_dt` vs `time`); no nulls, empty strings or
 * empty arrays (absent means absent); json_t values are plain JSON;
 * `unmapped` is a flat string → string map (the lake declares
 * map<string,string>); metadata.version is the schema's OCSF version.
 */
import { EMITTED_ATTRIBUTE_PATHS } from './emittedAttributes';
import type { SecurityFinding } from './mapping';
import type { OcsfAttribute, OcsfConstraints, ResolvedClassSchema } from './schema';
import { securityFindingSchema } from './schema';

/*
 * Built-ins used on the hot path, bound once: inside a vm context (Jest runs
 * tests in one) every lookup of a global such as `Object` is several times
 * slower than a module constant.
 */
const isArray = Array.isArray;
const objectKeys = Object.keys;
const isInteger = Number.isInteger;
const isSafeInteger = Number.isSafeInteger;
const isFiniteNumber = Number.isFinite;
const isNotANumber = Number.isNaN;
const parseInstant = Date.parse;
const prototypeOf = Object.getPrototypeOf;
const toText = String;

export interface OcsfIssue {
  /** Attribute path with array indexes, e.g. `resources[0].owner.email_addr`. */
  path: string;
  reason: string;
}

export class OcsfValidationError extends Error {
  constructor(readonly issues: readonly OcsfIssue[], findingUid?: string) {
    super(
      `invalid OCSF Security Finding row${findingUid ? ` (finding.uid ${findingUid})` : ''}: ${issues.length} issue${issues.length === 1 ? '' : 's'}\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.reason}`).join('\n'),
    );
    this.name = 'OcsfValidationError';
  }
}

/** Every issue of a row; an empty list means the row may be written. */
export function validateSecurityFinding(row: unknown): OcsfIssue[] {
  return defaultValidator().validate(row);
}

export function assertValidSecurityFinding(row: unknown): asserts row is SecurityFinding {
  const issues = validateSecurityFinding(row);
  if (issues.length > 0) throw new OcsfValidationError(issues, findingUidOf(row));
}

// ---------------------------------------------------------------------------
// Compiled checker tree
// ---------------------------------------------------------------------------

/** Returns why a scalar value is wrong, or undefined when it is right. */
type ScalarCheck = (value: unknown) => string | undefined;

interface AttributeChecker {
  readonly name: string;
  readonly required: boolean;
  readonly profile: string | null;
  readonly isArray: boolean;
  /** For messages: `string_t`, `user (object)`, ... */
  readonly typeLabel: string;
  readonly scalar?: ScalarCheck;
  /** Object attributes: resolved lazily because objects refer to themselves (process.parent_process). */
  readonly objectName?: string;
  readonly enumCaptions?: Readonly<Record<string, string>>;
  readonly sibling?: string;
  /** For `x_dt`: the timestamp attribute `x` in the same object that it must equal. */
  readonly timestampTwin?: string;
  /** Our rule for `unmapped`: a flat map of strings. */
  readonly flatStringMap: boolean;
}

interface ObjectChecker {
  /** `class "security_finding"` or `object "user"`, for messages. */
  readonly label: string;
  readonly attributes: ReadonlyMap<string, AttributeChecker>;
  readonly requiredAttributes: readonly AttributeChecker[];
  readonly enumAttributes: readonly AttributeChecker[];
  readonly timestampTwinAttributes: readonly AttributeChecker[];
  readonly constraints: OcsfConstraints | undefined;
  /** The generic `object` (unmapped): any attributes allowed. */
  readonly freeForm: boolean;
}

/** A node of the EMITTED_ATTRIBUTE_PATHS tree; a leaf allows anything below it. */
interface EmittedNode {
  readonly children: Map<string, EmittedNode>;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** RFC 3339 requires a zone; the OCSF datetime_t regex alone leaves it optional. */
const ZONE_SUFFIX = /(Z|[+-]\d{2}:\d{2})$/;

export class SecurityFindingValidator {
  private readonly objects = new Map<string, ObjectChecker>();
  private readonly scalarChecks = new Map<string, ScalarCheck>();
  private readonly classChecker: ObjectChecker;
  private readonly emittedRoot: EmittedNode;
  private readonly classUid: number;
  private readonly categoryUid: number;
  private readonly ocsfVersion: string;
  /** Profiles that may be listed in metadata.profiles: those that apply to this class. */
  private readonly applicableProfiles: ReadonlySet<string>;
  private readonly profileSets = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly schema: ResolvedClassSchema,
    emittedPaths: readonly string[],
  ) {
    this.classUid = schema.class.uid;
    this.categoryUid = schema.class.category_uid;
    this.ocsfVersion = schema.ocsf_version;
    this.applicableProfiles = new Set(schema.class.profiles.filter((profile) => profile in schema.profiles));
    this.classChecker = this.compileObject(`class "${schema.class.name}"`, schema.class.attributes, schema.class.constraints, false);
    // Compile every object now, so a schema problem shows at start and rows only walk a finished tree.
    for (const name of Object.keys(schema.objects)) this.objectChecker(name);
    this.emittedRoot = this.compileEmittedPaths(emittedPaths);
  }

  validate(row: unknown): OcsfIssue[] {
    const issues: OcsfIssue[] = [];
    if (!isPlainObject(row)) {
      issues.push({ path: '(row)', reason: `expected an object, got ${describe(row)}` });
      return issues;
    }
    const profiles = this.activeProfiles(row, issues);
    this.checkObject(row, this.classChecker, '', this.emittedRoot, profiles, issues);
    this.checkClassRules(row, issues);
    return issues;
  }

  // -- class-level rules ----------------------------------------------------

  private checkClassRules(row: Record<string, unknown>, issues: OcsfIssue[]): void {
    const { class_uid: classUid, activity_id: activityId, type_uid: typeUid } = row;
    if (isInteger(classUid) && isInteger(activityId) && isInteger(typeUid)) {
      const expected = (classUid as number) * 100 + (activityId as number);
      if (typeUid !== expected) {
        issues.push({ path: 'type_uid', reason: `must be class_uid * 100 + activity_id = ${classUid} * 100 + ${activityId} = ${expected}, got ${typeUid}` });
      }
    }
    // The enums already hold only these values; the explicit check says what is wrong.
    if (classUid !== undefined && classUid !== this.classUid) {
      issues.push({ path: 'class_uid', reason: `must be ${this.classUid} (${this.schema.class.caption}), got ${describe(classUid)}` });
    }
    if (row.category_uid !== undefined && row.category_uid !== this.categoryUid) {
      issues.push({ path: 'category_uid', reason: `must be ${this.categoryUid} (${this.schema.class.category_name}), got ${describe(row.category_uid)}` });
    }
    const metadata = row.metadata;
    if (isPlainObject(metadata) && typeof metadata.version === 'string' && metadata.version !== this.ocsfVersion) {
      issues.push({ path: 'metadata.version', reason: `must be the OCSF version the row is validated against, ${this.ocsfVersion}, got "${metadata.version}"` });
    }
  }

  /**
   * Profile attributes belong to the event only when metadata.profiles lists
   * the profile (how the OCSF server validates). Unknown names are issues.
   */
  private activeProfiles(row: Record<string, unknown>, issues: OcsfIssue[]): ReadonlySet<string> {
    const metadata = row.metadata;
    const listed = isPlainObject(metadata) ? metadata.profiles : undefined;
    if (!isArray(listed)) return EMPTY_SET;
    const key = listed.join('\u0000');
    const cached = this.profileSets.get(key);
    if (cached && listed.every((profile) => typeof profile === 'string' && this.applicableProfiles.has(profile))) return cached;
    const active = new Set<string>();
    listed.forEach((profile, index) => {
      if (typeof profile !== 'string') return; // the type check of metadata.profiles reports it
      if (this.applicableProfiles.has(profile)) active.add(profile);
      else
        issues.push({
          path: `metadata.profiles[${index}]`,
          reason: `profile "${profile}" does not apply to class ${this.schema.class.caption} (it has: ${[...this.applicableProfiles].join(', ')})`,
        });
    });
    if (this.profileSets.size < 64) this.profileSets.set(key, active);
    return active;
  }

  // -- tree walk ------------------------------------------------------------

  /**
   * `emitted` is the EMITTED_ATTRIBUTE_PATHS node at this object, or null
   * where nothing below is checked against it (a leaf, or already reported).
   */
  private checkObject(
    value: Record<string, unknown>,
    checker: ObjectChecker,
    path: string,
    emitted: EmittedNode | null,
    profiles: ReadonlySet<string>,
    issues: OcsfIssue[],
  ): void {
    // objectKeys + indexed loop and paths built only when needed: this runs for every attribute of every row.
    const keys = objectKeys(value);
    for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
      const key = keys[keyIndex];
      const attributeValue = value[key];
      if (attributeValue === undefined) continue; // absent, as JSON.stringify sees it
      if (checker.freeForm) {
        // The generic object has no attributes: anything goes (but still plain JSON).
        const reason = jsonValueProblem(attributeValue);
        if (reason) issues.push({ path: joinPath(path, key), reason });
        continue;
      }
      const attribute = checker.attributes.get(key);
      if (!attribute) {
        issues.push({ path: joinPath(path, key), reason: `not an attribute of ${checker.label}; source fields without an OCSF attribute go to unmapped` });
        continue;
      }
      if (attribute.profile !== null && !profiles.has(attribute.profile)) {
        issues.push({ path: joinPath(path, key), reason: `attribute of profile "${attribute.profile}", which metadata.profiles does not list` });
        continue;
      }
      let emittedChild: EmittedNode | null = null;
      if (emitted !== null && emitted.children.size > 0) {
        const child = emitted.children.get(key);
        if (child) emittedChild = child.children.size > 0 ? child : null;
        else issues.push({ path: joinPath(path, key), reason: 'valid OCSF, but not in EMITTED_ATTRIBUTE_PATHS (the Parquet schema has no column for it)' });
      }
      if (attributeValue === null) {
        issues.push({ path: joinPath(path, key), reason: 'null: leave an absent attribute out instead' });
        continue;
      }
      if (attribute.isArray) {
        if (!isArray(attributeValue)) {
          issues.push({ path: joinPath(path, key), reason: `expected an array of ${attribute.typeLabel}, got ${describe(attributeValue)}` });
          continue;
        }
        if (attributeValue.length === 0) {
          issues.push({ path: joinPath(path, key), reason: 'empty array: leave the attribute out instead' });
          continue;
        }
        const attributePath = joinPath(path, key);
        for (let index = 0; index < attributeValue.length; index++) {
          this.checkElement(attributeValue[index], attribute, attributePath, index, emittedChild, profiles, issues);
        }
      } else if (isArray(attributeValue)) {
        issues.push({ path: joinPath(path, key), reason: `expected a single ${attribute.typeLabel}, got an array` });
      } else if (attribute.objectName !== undefined) {
        this.checkElement(attributeValue, attribute, joinPath(path, key), -1, emittedChild, profiles, issues);
      } else {
        // Scalars (most attributes): no path string unless there is an issue.
        const reason = this.scalarProblem(attributeValue, attribute);
        if (reason !== undefined) issues.push({ path: joinPath(path, key), reason });
      }
    }

    for (const attribute of checker.requiredAttributes) {
      if (value[attribute.name] === undefined && (attribute.profile === null || profiles.has(attribute.profile))) {
        issues.push({ path: joinPath(path, attribute.name), reason: `required attribute of ${checker.label} is missing` });
      }
    }
    for (const attribute of checker.enumAttributes) this.checkEnumSibling(value, attribute, path, issues);
    for (const attribute of checker.timestampTwinAttributes) this.checkTimestampTwin(value, attribute, path, issues);
    if (checker.constraints) this.checkConstraints(value, checker, path, issues);
  }

  /** One array element (`index` >= 0) or single object value (`index` -1) at `path`. */
  private checkElement(
    element: unknown,
    attribute: AttributeChecker,
    attributePath: string,
    index: number,
    emitted: EmittedNode | null,
    profiles: ReadonlySet<string>,
    issues: OcsfIssue[],
  ): void {
    if (attribute.objectName === undefined) {
      const reason = this.scalarProblem(element, attribute);
      if (reason !== undefined) issues.push({ path: index < 0 ? attributePath : `${attributePath}[${index}]`, reason });
      return;
    }
    const path = index < 0 ? attributePath : `${attributePath}[${index}]`;
    if (!isPlainObject(element)) {
      issues.push({ path, reason: `expected ${attribute.typeLabel}, got ${describe(element)}` });
      return;
    }
    if (attribute.flatStringMap) {
      for (const key of objectKeys(element)) {
        const entry = element[key];
        if (entry !== undefined && typeof entry !== 'string') {
          issues.push({ path: `${path}.${key}`, reason: `unmapped is map<string,string> in Security Lake: expected a string, got ${describe(entry)}` });
        }
      }
      return;
    }
    this.checkObject(element, this.objectChecker(attribute.objectName), path, emitted, profiles, issues);
  }

  /** Type, format and enum of a scalar value; undefined when it is right. */
  private scalarProblem(value: unknown, attribute: AttributeChecker): string | undefined {
    const reason = attribute.scalar!(value);
    if (reason !== undefined) return reason;
    if (attribute.enumCaptions !== undefined && attribute.enumCaptions[toText(value)] === undefined) {
      return `${describe(value)} is not a value of enum ${attribute.name} (${describeEnum(attribute.enumCaptions)})`;
    }
    return undefined;
  }

  /** The caption next to an enum id must be the id's caption; for 99 (Other) it is the source's own value. */
  private checkEnumSibling(value: Record<string, unknown>, attribute: AttributeChecker, path: string, issues: OcsfIssue[]): void {
    const id = value[attribute.name];
    const sibling = attribute.sibling!;
    const caption = value[sibling];
    if (id === undefined || caption === undefined || typeof caption !== 'string' || attribute.isArray) return;
    const expected = attribute.enumCaptions![toText(id)];
    if (expected === undefined || id === 99) return; // an unknown id is already reported; 99 takes any caption
    if (caption !== expected) {
      issues.push({ path: joinPath(path, sibling), reason: `must be "${expected}", the caption of ${attribute.name} ${toText(id)}, got "${caption}"` });
    }
  }

  private checkTimestampTwin(value: Record<string, unknown>, attribute: AttributeChecker, path: string, issues: OcsfIssue[]): void {
    const datetime = value[attribute.name];
    const timestamp = value[attribute.timestampTwin!];
    if (typeof datetime !== 'string' || typeof timestamp !== 'number') return;
    const parsed = parseInstant(datetime);
    if (!isNotANumber(parsed) && parsed !== timestamp) {
      issues.push({
        path: joinPath(path, attribute.name),
        reason: `must be the same instant as ${attribute.timestampTwin} (${new Date(timestamp).toISOString()}), got "${datetime}"`,
      });
    }
  }

  private checkConstraints(value: Record<string, unknown>, checker: ObjectChecker, path: string, issues: OcsfIssue[]): void {
    const { at_least_one: atLeastOne, just_one: justOne } = checker.constraints!;
    const where = path === '' ? '(row)' : path;
    if (atLeastOne && !atLeastOne.some((name) => value[name] !== undefined)) {
      issues.push({ path: where, reason: `${checker.label} needs at least one of: ${atLeastOne.join(', ')}` });
    }
    if (justOne) {
      const present = justOne.filter((name) => value[name] !== undefined);
      if (present.length !== 1) issues.push({ path: where, reason: `${checker.label} needs exactly one of: ${justOne.join(', ')} (has ${present.length})` });
    }
  }

  // -- compilation ----------------------------------------------------------

  private objectChecker(name: string): ObjectChecker {
    const existing = this.objects.get(name);
    if (existing) return existing;
    const definition = this.schema.objects[name];
    if (!definition) throw new Error(`the resolved schema has no object ${name}`);
    const checker = this.compileObject(`object "${name}"`, definition.attributes, definition.constraints, objectKeys(definition.attributes).length === 0);
    this.objects.set(name, checker);
    return checker;
  }

  private compileObject(label: string, attributes: Record<string, OcsfAttribute>, constraints: OcsfConstraints | undefined, freeForm: boolean): ObjectChecker {
    const compiled = new Map<string, AttributeChecker>();
    for (const [name, definition] of Object.entries(attributes)) {
      const timestampTwin = definition.type === 'datetime_t' && name.endsWith('_dt') && attributes[name.slice(0, -3)]?.type === 'timestamp_t' ? name.slice(0, -3) : undefined;
      const isObject = definition.base_type === 'object_t';
      compiled.set(name, {
        name,
        required: definition.requirement === 'required',
        profile: definition.profile,
        isArray: definition.is_array,
        typeLabel: isObject ? `${definition.object_type ?? definition.type} (object)` : definition.type,
        scalar: isObject ? undefined : this.scalarCheck(definition.type),
        objectName: isObject ? (definition.object_type ?? definition.type) : undefined,
        enumCaptions: definition.enum,
        sibling: definition.sibling,
        timestampTwin,
        flatStringMap: label.startsWith('class') && name === 'unmapped',
      });
    }
    const values = [...compiled.values()];
    return {
      label,
      attributes: compiled,
      requiredAttributes: values.filter((attribute) => attribute.required),
      enumAttributes: values.filter((attribute) => attribute.enumCaptions !== undefined && attribute.sibling !== undefined && compiled.has(attribute.sibling)),
      timestampTwinAttributes: values.filter((attribute) => attribute.timestampTwin !== undefined),
      constraints: constraints && (constraints.at_least_one || constraints.just_one) ? constraints : undefined,
      freeForm,
    };
  }

  private scalarCheck(typeName: string): ScalarCheck {
    const existing = this.scalarChecks.get(typeName);
    if (existing) return existing;
    const check = this.compileScalarCheck(typeName);
    this.scalarChecks.set(typeName, check);
    return check;
  }

  private compileScalarCheck(typeName: string): ScalarCheck {
    const type = this.schema.types[typeName];
    if (!type) throw new Error(`the resolved schema has no type ${typeName}`);
    const base = this.schema.types[type.base_type];
    const maxLen = type.max_len ?? (type.base_type !== typeName ? base?.max_len : undefined);
    const range = type.range ?? (type.base_type !== typeName ? base?.range : undefined);
    const pattern = type.regex !== undefined ? new RegExp(type.regex) : undefined;
    const label = type.base_type === typeName ? typeName : `${typeName} (${type.base_type})`;
    const outOfRange = (value: number): string | undefined =>
      range && (value < range[0] || value > range[1]) ? `${value} is outside the ${typeName} range ${range[0]}..${range[1]}` : undefined;

    switch (type.base_type) {
      case 'string_t':
        return (value) => {
          if (typeof value !== 'string') return `expected ${label}, got ${describe(value)}`;
          if (value === '') return 'empty string: leave an absent attribute out instead';
          if (maxLen !== undefined && value.length > maxLen) return `${value.length} characters, more than the ${typeName} max_len ${maxLen}`;
          if (pattern && !pattern.test(value)) return `${describe(value)} does not match the ${typeName} pattern ${type.regex}`;
          if (typeName === 'datetime_t') {
            if (!ZONE_SUFFIX.test(value)) return `${describe(value)} has no zone (RFC 3339 needs Z or ±hh:mm)`;
            if (isNotANumber(parseInstant(value))) return `${describe(value)} is not a real date-time`;
          }
          return undefined;
        };
      case 'integer_t':
        return (value) => {
          if (typeof value !== 'number' || !isInteger(value)) return `expected ${label} (an integer), got ${describe(value)}`;
          if (value < INT32_MIN || value > INT32_MAX) return `${value} does not fit a 32-bit integer (the Parquet INT32 column)`;
          return outOfRange(value);
        };
      case 'long_t':
        return (value) => {
          if (typeof value === 'bigint') return value < INT64_MIN || value > INT64_MAX ? `${value} does not fit a 64-bit integer` : undefined;
          if (typeof value !== 'number' || !isSafeInteger(value)) {
            return `expected ${label}${typeName === 'timestamp_t' ? ' (epoch milliseconds, an integer)' : ' (an integer)'}, got ${describe(value)}`;
          }
          return outOfRange(value);
        };
      case 'float_t':
        return (value) => (typeof value === 'number' && isFiniteNumber(value) ? outOfRange(value) : `expected ${label} (a finite number), got ${describe(value)}`);
      case 'boolean_t':
        return (value) => (typeof value === 'boolean' ? undefined : `expected ${label}, got ${describe(value)}`);
      case 'json_t':
        return (value) => jsonValueProblem(value);
      default:
        throw new Error(`type ${typeName} has an unknown base type ${type.base_type}`);
    }
  }

  /** EMITTED_ATTRIBUTE_PATHS as a tree; every path must exist in the schema (a typo fails at start). */
  private compileEmittedPaths(paths: readonly string[]): EmittedNode {
    const root: EmittedNode = { children: new Map() };
    for (const path of paths) {
      let node = root;
      let checker: ObjectChecker | undefined = this.classChecker;
      for (const segment of path.split('.')) {
        const name = segment.endsWith('[]') ? segment.slice(0, -2) : segment;
        const attribute: AttributeChecker | undefined = checker?.attributes.get(name);
        if (!checker || !attribute) throw new Error(`EMITTED_ATTRIBUTE_PATHS: ${path} is not an attribute path of ${this.schema.class.caption} ${this.ocsfVersion}`);
        if (segment.endsWith('[]') !== attribute.isArray) throw new Error(`EMITTED_ATTRIBUTE_PATHS: ${path}: ${name} ${attribute.isArray ? 'is' : 'is not'} an array`);
        let child = node.children.get(name);
        if (!child) {
          child = { children: new Map() };
          node.children.set(name, child);
        }
        node = child;
        checker = attribute.objectName !== undefined ? this.objectChecker(attribute.objectName) : undefined;
      }
    }
    return root;
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const EMPTY_SET: ReadonlySet<string> = new Set();

let validatorInstance: SecurityFindingValidator | undefined;

/** Compiled on first use from the vendored schema and our emitted paths. */
export function defaultValidator(): SecurityFindingValidator {
  validatorInstance ??= new SecurityFindingValidator(securityFindingSchema, EMITTED_ATTRIBUTE_PATHS);
  return validatorInstance;
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** Why a value is not plain JSON (what json_t and the Parquet layer's JSON.stringify accept), or undefined. */
function jsonValueProblem(value: unknown, depth = 0): string | undefined {
  if (depth > 64) return 'JSON nested more than 64 levels';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return isFiniteNumber(value) ? undefined : `${value} is not a JSON number`;
    case 'object': {
      if (value === null) return undefined;
      if (isArray(value)) {
        for (const item of value) {
          const problem = jsonValueProblem(item, depth + 1);
          if (problem) return problem;
        }
        return undefined;
      }
      // A plain object's prototype is Object.prototype (of whichever realm made it) or null.
      const prototype = prototypeOf(value);
      if (prototype !== null && prototypeOf(prototype) !== null) return `a ${prototype?.constructor?.name ?? 'class'} instance is not plain JSON`;
      for (const key in value as Record<string, unknown>) {
        const problem = jsonValueProblem((value as Record<string, unknown>)[key], depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return `a ${typeof value} is not a JSON value`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${toText(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function describeEnum(captions: Readonly<Record<string, string>>): string {
  const entries = Object.entries(captions);
  const shown = entries.slice(0, 12).map(([id, caption]) => `${id} ${caption}`);
  return entries.length > 12 ? `${shown.join(', ')}, ...` : shown.join(', ');
}

function findingUidOf(row: unknown): string | undefined {
  if (!isPlainObject(row) || !isPlainObject(row.finding)) return undefined;
  return typeof row.finding.uid === 'string' ? row.finding.uid : undefined;
}
