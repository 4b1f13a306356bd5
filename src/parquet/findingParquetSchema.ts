/**
 * The Parquet schema of a Security Finding file, DERIVED from the resolved
 * OCSF class (schema/ocsf/, loaded by src/domain/ocsf/schema.ts) restricted to
 * the attributes we emit (EMITTED_ATTRIBUTE_PATHS). Nothing about the OCSF
 * class is written down here: a column exists exactly for an emitted path,
 * and its Parquet type follows from the OCSF type of that path.
 *
 * Type rules (what Security Lake's own tables declare, and what Athena/Glue,
 * Spark, DuckDB and pyarrow read without surprises):
 *
 * | OCSF                                  | Parquet                                                     |
 * |---------------------------------------|-------------------------------------------------------------|
 * | object                                | optional group (struct)                                     |
 * | `is_array`                            | optional group (LIST) { repeated group list { optional element } } |
 * | integer_t (enum ids, small ints)      | INT32                                                       |
 * | long_t (type_uid)                     | INT64                                                       |
 * | timestamp_t (`time`, `*_time`)        | INT64 epoch milliseconds, no annotation                    |
 * | datetime_t (`*_dt`)                   | INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true)               |
 * | string_t and its subtypes             | BYTE_ARRAY (UTF8 / STRING)                                  |
 * | json_t                                | BYTE_ARRAY (UTF8) holding the JSON text                     |
 * | `unmapped` (the generic `object`)     | optional group (MAP) { repeated group key_value { required key; optional value } } of UTF8 |
 *
 * Every column is optional: required-ness is the OCSF validator's job, not
 * the file's (a required column would make a schema change a breaking one).
 */
import { EMITTED_ATTRIBUTE_PATHS } from '../domain/ocsf/emittedAttributes';
import { securityFindingSchema } from '../domain/ocsf/schema';

// ---------------------------------------------------------------------------
// Schema model
// ---------------------------------------------------------------------------

/** Parquet physical types this schema uses. */
export type PhysicalType = 'INT32' | 'INT64' | 'BYTE_ARRAY';

/**
 * How a leaf value of the row is turned into its Parquet value:
 * - `string`: a JS string, written as UTF-8.
 * - `json`: any JSON value, written as its JSON text (UTF-8).
 * - `int32` / `int64`: an integer (number, or bigint for int64).
 * - `epochMillis`: an integer count of milliseconds since the epoch (OCSF timestamp_t).
 * - `timestampMillisUtc`: an RFC 3339 date-time string (OCSF datetime_t), stored as UTC epoch ms.
 */
export type LeafKind = 'string' | 'json' | 'int32' | 'int64' | 'epochMillis' | 'timestampMillisUtc';

interface NodeBase {
  /** Field name in the Parquet schema (the OCSF attribute name, or list/element/key_value/key/value). */
  readonly name: string;
  /** The OCSF path this node stands for, `[]` marking arrays (e.g. `resources[].owner.groups[].name`). */
  readonly ocsfPath: string;
}

export interface PrimitiveNode extends NodeBase {
  readonly kind: 'primitive';
  readonly leaf: LeafKind;
  readonly physicalType: PhysicalType;
  /** The OCSF type name, e.g. `timestamp_t`, `email_t`. */
  readonly ocsfType: string;
}

export interface StructNode extends NodeBase {
  readonly kind: 'struct';
  /** The OCSF object name, e.g. `resource_details`. */
  readonly ocsfObject: string;
  readonly children: readonly ParquetNode[];
}

/** A standard 3-level LIST: `optional group <name> (LIST) { repeated group list { optional <element> element } }`. */
export interface ListNode extends NodeBase {
  readonly kind: 'list';
  readonly element: PrimitiveNode | StructNode;
}

/** `optional group <name> (MAP) { repeated group key_value { required binary key (UTF8); optional binary value (UTF8) } }`. */
export interface StringMapNode extends NodeBase {
  readonly kind: 'map';
}

export type ParquetNode = PrimitiveNode | StructNode | ListNode | StringMapNode;

/** One leaf column of the file, in file order. */
export interface LeafColumn {
  /** Index in file order (the ColumnChunk index within each row group). */
  readonly index: number;
  /** path_in_schema, e.g. ['resources', 'list', 'element', 'labels', 'list', 'element']. */
  readonly path: readonly string[];
  /** The OCSF path the column belongs to (for a map: `unmapped` for both key and value). */
  readonly ocsfPath: string;
  readonly physicalType: PhysicalType;
  readonly leaf: LeafKind;
  readonly maxDefinitionLevel: number;
  readonly maxRepetitionLevel: number;
  /** True for the map key (the only REQUIRED field of the schema). */
  readonly required: boolean;
}

export interface FindingParquetSchema {
  readonly ocsfVersion: string;
  readonly classUid: number;
  readonly className: string;
  /** Top-level fields, in the order of EMITTED_ATTRIBUTE_PATHS (first appearance). */
  readonly fields: readonly ParquetNode[];
  readonly leaves: readonly LeafColumn[];
}

// ---------------------------------------------------------------------------
// Derivation
// ---------------------------------------------------------------------------

/** The parts of a resolved OCSF class file (see schema/ocsf README) the derivation reads. */
export interface ResolvedOcsfClassLike {
  readonly ocsf_version: string;
  readonly class: {
    readonly uid: number;
    readonly name: string;
    readonly attributes: Readonly<Record<string, OcsfAttributeLike>>;
  };
  readonly objects: Readonly<Record<string, { readonly attributes: Readonly<Record<string, OcsfAttributeLike>> }>>;
}

export interface OcsfAttributeLike {
  readonly type: string;
  readonly base_type: string;
  readonly is_array: boolean;
  readonly object_type?: string;
}

/** The generic OCSF object (`unmapped`): free-form, stored as map<string,string> like Security Lake does. */
const GENERIC_OBJECT = 'object';

interface PathTree {
  /** Insertion-ordered children by attribute name. */
  readonly children: Map<string, PathTree>;
  /** Whether the path marks this attribute as an array (`name[]`). */
  isArray: boolean;
  /** The emitted path that names this node (for messages). */
  ocsfPath: string;
}

function buildPathTree(paths: readonly string[]): PathTree {
  const root: PathTree = { children: new Map(), isArray: false, ocsfPath: '' };
  for (const path of paths) {
    let node = root;
    const prefix: string[] = [];
    for (const segment of path.split('.')) {
      const match = /^([a-z0-9_]+)(\[\])?$/.exec(segment);
      if (!match) throw new Error(`emitted attribute path ${path}: bad segment "${segment}"`);
      const name = match[1]!;
      const isArray = match[2] !== undefined;
      prefix.push(segment);
      let child = node.children.get(name);
      if (!child) {
        child = { children: new Map(), isArray, ocsfPath: prefix.join('.') };
        node.children.set(name, child);
      } else if (child.isArray !== isArray) {
        throw new Error(`emitted attribute path ${path}: ${name} is marked as an array in one path and not in another`);
      }
      node = child;
    }
  }
  return root;
}

function leafKindOf(attribute: OcsfAttributeLike, ocsfPath: string): { leaf: LeafKind; physicalType: PhysicalType } {
  if (attribute.type === 'timestamp_t') return { leaf: 'epochMillis', physicalType: 'INT64' };
  if (attribute.type === 'datetime_t') return { leaf: 'timestampMillisUtc', physicalType: 'INT64' };
  switch (attribute.base_type) {
    case 'string_t':
      return { leaf: 'string', physicalType: 'BYTE_ARRAY' };
    case 'json_t':
      return { leaf: 'json', physicalType: 'BYTE_ARRAY' };
    case 'integer_t':
      return { leaf: 'int32', physicalType: 'INT32' };
    case 'long_t':
      return { leaf: 'int64', physicalType: 'INT64' };
    default:
      // float_t / boolean_t are not emitted today; add an encoding before emitting one.
      throw new Error(`${ocsfPath}: OCSF type ${attribute.type} (base ${attribute.base_type}) has no Parquet encoding here yet`);
  }
}

function deriveNode(
  ocsf: ResolvedOcsfClassLike,
  name: string,
  attribute: OcsfAttributeLike,
  tree: PathTree,
): ParquetNode {
  const path = tree.ocsfPath;
  if (attribute.is_array !== tree.isArray) {
    throw new Error(
      `emitted attribute path ${path}: OCSF says ${name} ${attribute.is_array ? 'is' : 'is not'} an array, the path says ${tree.isArray ? 'it is' : 'it is not'}`,
    );
  }
  let valueNode: PrimitiveNode | StructNode | StringMapNode;
  if (attribute.base_type === 'object_t') {
    const objectName = attribute.object_type ?? attribute.type;
    if (objectName === GENERIC_OBJECT) {
      if (tree.children.size > 0) throw new Error(`emitted attribute path ${path}.*: ${name} is a free-form object, it has no fixed attributes`);
      if (tree.isArray) throw new Error(`emitted attribute path ${path}: arrays of free-form objects are not supported`);
      return { kind: 'map', name, ocsfPath: path };
    }
    const object = ocsf.objects[objectName];
    if (!object) throw new Error(`emitted attribute path ${path}: the resolved schema has no object ${objectName}`);
    if (tree.children.size === 0) throw new Error(`emitted attribute path ${path}: ${name} is an object (${objectName}); list the attributes to emit`);
    const children: ParquetNode[] = [];
    for (const [childName, childTree] of tree.children) {
      const childAttribute = object.attributes[childName];
      if (!childAttribute) throw new Error(`emitted attribute path ${childTree.ocsfPath}: object ${objectName} has no attribute ${childName}`);
      children.push(deriveNode(ocsf, childName, childAttribute, childTree));
    }
    valueNode = { kind: 'struct', name: tree.isArray ? 'element' : name, ocsfPath: path, ocsfObject: objectName, children };
  } else {
    if (tree.children.size > 0) throw new Error(`emitted attribute path ${path}.*: ${name} is a scalar (${attribute.type})`);
    valueNode = { kind: 'primitive', name: tree.isArray ? 'element' : name, ocsfPath: path, ocsfType: attribute.type, ...leafKindOf(attribute, path) };
  }
  if (!tree.isArray) return valueNode;
  return { kind: 'list', name, ocsfPath: path, element: valueNode as PrimitiveNode | StructNode };
}

function collectLeaves(fields: readonly ParquetNode[]): LeafColumn[] {
  const leaves: LeafColumn[] = [];
  const visit = (node: ParquetNode | PrimitiveNode | StructNode, path: string[], def: number, rep: number): void => {
    // Every node of the schema is OPTIONAL (+1 definition level), except where noted.
    const here = [...path, node.name];
    switch (node.kind) {
      case 'primitive':
        leaves.push({
          index: leaves.length,
          path: here,
          ocsfPath: node.ocsfPath,
          physicalType: node.physicalType,
          leaf: node.leaf,
          maxDefinitionLevel: def + 1,
          maxRepetitionLevel: rep,
          required: false,
        });
        return;
      case 'struct':
        for (const child of node.children) visit(child, here, def + 1, rep);
        return;
      case 'list':
        // optional group (LIST) +1, repeated group list +1 def +1 rep, then the optional element.
        visit(node.element, [...here, 'list'], def + 2, rep + 1);
        return;
      case 'map': {
        const keyValue = [...here, 'key_value'];
        leaves.push({ index: leaves.length, path: [...keyValue, 'key'], ocsfPath: node.ocsfPath, physicalType: 'BYTE_ARRAY', leaf: 'string', maxDefinitionLevel: def + 2, maxRepetitionLevel: rep + 1, required: true });
        leaves.push({ index: leaves.length, path: [...keyValue, 'value'], ocsfPath: node.ocsfPath, physicalType: 'BYTE_ARRAY', leaf: 'string', maxDefinitionLevel: def + 3, maxRepetitionLevel: rep + 1, required: false });
        return;
      }
    }
  };
  for (const field of fields) visit(field, [], 0, 0);
  return leaves;
}

/**
 * Derives the Parquet schema of the given OCSF class restricted to `emittedPaths`.
 * Throws, naming the path, when a path does not exist in the class, disagrees
 * with it about arrays, or has a type without a Parquet encoding.
 */
export function deriveFindingParquetSchema(ocsf: ResolvedOcsfClassLike, emittedPaths: readonly string[]): FindingParquetSchema {
  const tree = buildPathTree(emittedPaths);
  const fields: ParquetNode[] = [];
  for (const [name, subtree] of tree.children) {
    const attribute = ocsf.class.attributes[name];
    if (!attribute) throw new Error(`emitted attribute path ${subtree.ocsfPath}: class ${ocsf.class.name} has no attribute ${name}`);
    fields.push(deriveNode(ocsf, name, attribute, subtree));
  }
  return { ocsfVersion: ocsf.ocsf_version, classUid: ocsf.class.uid, className: ocsf.class.name, fields, leaves: collectLeaves(fields) };
}

let cached: FindingParquetSchema | undefined;

/** The schema of the files we write: the vendored OCSF class restricted to EMITTED_ATTRIBUTE_PATHS. */
export function findingParquetSchema(): FindingParquetSchema {
  cached ??= deriveFindingParquetSchema(securityFindingSchema, EMITTED_ATTRIBUTE_PATHS);
  return cached;
}

// ---------------------------------------------------------------------------
// Rendering (docs, tests, debugging)
// ---------------------------------------------------------------------------

function primitiveText(node: PrimitiveNode, repetition: string, name: string): string {
  switch (node.leaf) {
    case 'string':
    case 'json':
      return `${repetition} binary ${name} (STRING)`;
    case 'int32':
      return `${repetition} int32 ${name}`;
    case 'int64':
    case 'epochMillis':
      return `${repetition} int64 ${name}`;
    case 'timestampMillisUtc':
      return `${repetition} int64 ${name} (TIMESTAMP(MILLIS,true))`;
  }
}

/** The schema as a Parquet "message" text, the notation parquet-mr and the Parquet docs use. */
export function renderParquetSchema(schema: FindingParquetSchema = findingParquetSchema()): string {
  const lines: string[] = ['message schema {'];
  const render = (node: ParquetNode, indent: string): void => {
    switch (node.kind) {
      case 'primitive':
        lines.push(`${indent}${primitiveText(node, 'optional', node.name)};`);
        return;
      case 'struct':
        lines.push(`${indent}optional group ${node.name} {`);
        for (const child of node.children) render(child, `${indent}  `);
        lines.push(`${indent}}`);
        return;
      case 'list':
        lines.push(`${indent}optional group ${node.name} (LIST) {`);
        lines.push(`${indent}  repeated group list {`);
        render(node.element, `${indent}    `);
        lines.push(`${indent}  }`);
        lines.push(`${indent}}`);
        return;
      case 'map':
        lines.push(`${indent}optional group ${node.name} (MAP) {`);
        lines.push(`${indent}  repeated group key_value {`);
        lines.push(`${indent}    required binary key (STRING);`);
        lines.push(`${indent}    optional binary value (STRING);`);
        lines.push(`${indent}  }`);
        lines.push(`${indent}}`);
        return;
    }
  };
  for (const field of schema.fields) render(field, '  ');
  lines.push('}');
  return lines.join('\n');
}
