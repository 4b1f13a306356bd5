/**
 * Streams OCSF Security Finding rows into one Parquet file, following
 * Amazon Security Lake's rules for custom sources:
 *
 * - the schema of findingParquetSchema.ts (derived from the OCSF class):
 *   3-level LISTs, a MAP for `unmapped`, INT64 epoch ms for `*_time`,
 *   TIMESTAMP(MILLIS, UTC) for `*_dt`, INT32 enum ids;
 * - zstd on every page (one zstd frame per page);
 * - data pages (and dictionary pages) <= 1 MB uncompressed;
 * - row groups bounded by rows and by compressed bytes (<= 256 MB);
 * - one OCSF class per file: a row of another class is refused;
 * - `time` order is checked: row groups whose rows are in time order declare
 *   `time` as their sorting column (the caller sorts; `sortedByTime` tells).
 *
 * The encoder is our own, not @dsnp/parquetjs or DuckDB (bench/parquet.bench.ts
 * measures all three): parquetjs sizes pages by row count, writes
 * total_uncompressed_size = compressed size, has no zstd and no dictionary
 * encoding; DuckDB's writer cuts pages at a fixed 100 MB and cannot write
 * TIMESTAMP(MILLIS, UTC). A fixed, known schema needs only PLAIN and
 * dictionary encodings, RLE levels, v1 data pages and a Thrift-compact
 * footer (byteSink, rleHybrid, thriftCompact, parquetFormat, zstd in this
 * folder), and owning them is what lets every limit above hold by
 * construction. The tests read the files back with pyarrow and DuckDB.
 *
 * A row that cannot be written (wrong type, attribute without a column,
 * other class, value larger than a page) is refused with a FindingRowError
 * naming the attribute path; the file stays valid and the writer usable.
 */
import type { Writable } from 'node:stream';
import type { FindingParquetSchema, LeafColumn, LeafKind, ParquetNode } from './findingParquetSchema';
import { findingParquetSchema } from './findingParquetSchema';
import { ByteSink } from './byteSink';
import { bitWidthOf, encodeLevelsV1, encodeRleHybrid } from './rleHybrid';
import type { ColumnChunkSpec, RowGroupSpec, SchemaElementSpec } from './parquetFormat';
import { Codec, ConvertedType, Encoding, PageType, ParquetType, Repetition, serializeFileMetaData, writePageHeader } from './parquetFormat';
import { DEFAULT_ZSTD_LEVEL, initZstd, zstdCompress } from './zstd';

// ---------------------------------------------------------------------------
// Limits and options
// ---------------------------------------------------------------------------

/** Security Lake: data pages at most 1 MB uncompressed. We read "MB" strictly as 10^6 bytes. */
export const MAX_PAGE_BYTES = 1_000_000;
/** Security Lake: row groups at most 256 MB compressed. */
export const MAX_ROW_GROUP_BYTES = 256 * 1024 * 1024;
/**
 * Default rows per row group. At a few KB per OCSF row (uncompressed) even
 * 50k rows that did not compress at all would stay under 256 MB; the byte
 * bound below is what guarantees it.
 */
export const DEFAULT_ROW_GROUP_ROWS = 50_000;
/** Default compressed-bytes bound of a row group: also bounds the memory a writer holds. */
export const DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;
/** Rows per data page at most (the parquet-mr default), so pages stay seekable. */
export const DEFAULT_PAGE_ROWS = 20_000;
/** Binary min/max statistics longer than this are left out of the footer. */
const MAX_STATISTICS_BYTES = 1024;
const PARQUET_MAGIC = Buffer.from('PAR1', 'ascii');
const CREATED_BY = 'security-lake-exporter version 0.1.0';

export interface FindingParquetWriterOptions {
  /** Rows per row group at most (default 50,000). */
  rowGroupRows?: number;
  /** Compressed bytes per row group at most (default 64 MiB, at most 256 MiB). */
  rowGroupBytes?: number;
  /** Uncompressed bytes per page at most (default and maximum 1,000,000). */
  pageBytes?: number;
  /** Rows per data page at most (default 20,000). */
  pageRows?: number;
  /** zstd level (default 3). */
  zstdLevel?: number;
  /** Extra key/value metadata for the footer (ocsf.* keys are set by the writer). */
  keyValueMetadata?: Readonly<Record<string, string>>;
  /** The schema to write (default: the OCSF-derived one). */
  schema?: FindingParquetSchema;
}

/**
 * What a row is: the object `toSecurityFinding()` returns, or anything shaped
 * like it (typed `object` so interfaces without an index signature fit).
 */
export type FindingRow = object;

/** A row the writer refuses; `path` is the OCSF attribute path (e.g. `resources[0].labels[2]`). */
export class FindingRowError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '(row)'}: ${reason}`);
    this.name = 'FindingRowError';
  }
}

// ---------------------------------------------------------------------------
// Value conversion (row value → Parquet value)
// ---------------------------------------------------------------------------

type CellValue = string | number | bigint;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function toInt64(value: unknown, path: string, what: string): number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw new FindingRowError(path, `${what}: expected an integer, got ${describe(value)}`);
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new FindingRowError(path, `${what}: ${value} is out of the int64 range`);
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value;
  }
  throw new FindingRowError(path, `${what}: expected an integer, got ${describe(value)}`);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch milliseconds of an RFC 3339 date-time with an explicit offset; refuses what would lose precision. */
export function rfc3339ToEpochMillis(text: string, path = ''): number {
  const match = RFC3339.exec(text);
  if (!match) throw new FindingRowError(path, `expected an RFC 3339 date-time with a zone (e.g. 2026-11-30T08:15:00.000Z), got ${describe(text)}`);
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (fraction.length > 3 && /[1-9]/.test(fraction.slice(3))) {
    throw new FindingRowError(path, `${text} has sub-millisecond digits; the column stores milliseconds`);
  }
  const millis = fraction === '' ? 0 : Number(fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new FindingRowError(path, `${text} is not a valid date-time`);
  }
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (year < 100) epoch = new Date(epoch).setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    const offsetHours = Number(zone!.slice(1, 3));
    const offsetMinutes = Number(zone!.slice(4, 6));
    if (offsetHours > 23 || offsetMinutes > 59) throw new FindingRowError(path, `${text} has an invalid UTC offset`);
    epoch -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return epoch;
}

/** Converts one leaf value; a FindingRowError thrown here has no path yet (the shredder adds it). */
function convertLeaf(kind: LeafKind, value: unknown): CellValue {
  const path = '';
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new FindingRowError(path, `expected a string, got ${describe(value)}`);
      return value;
    case 'json': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (error) {
        throw new FindingRowError(path, `not JSON-serializable: ${(error as Error).message}`);
      }
      if (text === undefined) throw new FindingRowError(path, `not a JSON value: ${describe(value)}`);
      return text;
    }
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new FindingRowError(path, `expected an integer, got ${describe(value)}`);
      if (value < -2147483648 || value > 2147483647) throw new FindingRowError(path, `${value} is out of the int32 range`);
      return value;
    case 'int64':
      return toInt64(value, path, 'int64');
    case 'epochMillis':
      return toInt64(value, path, 'epoch milliseconds');
    case 'timestampMillisUtc':
      if (typeof value === 'string') return rfc3339ToEpochMillis(value, path);
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) throw new FindingRowError(path, 'invalid Date');
        return ms;
      }
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      throw new FindingRowError(path, `expected an RFC 3339 date-time string, got ${describe(value)}`);
  }
}

/** Uncompressed PLAIN size of one value. */
function plainSize(kind: LeafKind, value: CellValue): number {
  if (typeof value === 'string') return 4 + Buffer.byteLength(value, 'utf8');
  return kind === 'int32' ? 4 : 8;
}

/** Orders strings by code point, which is the unsigned UTF-8 byte order Parquet statistics use. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF: move them above E000-FFFF.
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

function lessThan(a: CellValue, b: CellValue): boolean {
  if (typeof a === 'string') return compareUtf8(a, b as string) < 0;
  return (a as number | bigint) < (b as number | bigint);
}

// ---------------------------------------------------------------------------
// Compiled schema (for shredding)
// ---------------------------------------------------------------------------

type CompiledNode =
  | { kind: 'primitive'; name: string; ocsfPath: string; leaf: number; leafKind: LeafKind }
  | { kind: 'struct'; name: string; ocsfPath: string; children: CompiledNode[]; byName: Map<string, CompiledNode>; leaves: number[] }
  | { kind: 'list'; name: string; ocsfPath: string; element: CompiledNode; repLevel: number; leaves: number[] }
  | { kind: 'map'; name: string; ocsfPath: string; keyLeaf: number; valueLeaf: number; repLevel: number; leaves: number[] };

function compileSchema(schema: FindingParquetSchema): { root: CompiledNode & { kind: 'struct' }; leafCount: number } {
  let next = 0;
  const compile = (node: ParquetNode, rep: number): CompiledNode => {
    switch (node.kind) {
      case 'primitive':
        return { kind: 'primitive', name: node.name, ocsfPath: node.ocsfPath, leaf: next++, leafKind: node.leaf };
      case 'struct': {
        const children = node.children.map((child) => compile(child, rep));
        return { kind: 'struct', name: node.name, ocsfPath: node.ocsfPath, children, byName: new Map(children.map((c) => [c.name, c])), leaves: children.flatMap(leavesOf) };
      }
      case 'list': {
        const element = compile(node.element, rep + 1);
        return { kind: 'list', name: node.name, ocsfPath: node.ocsfPath, element, repLevel: rep + 1, leaves: leavesOf(element) };
      }
      case 'map': {
        const keyLeaf = next++;
        const valueLeaf = next++;
        return { kind: 'map', name: node.name, ocsfPath: node.ocsfPath, keyLeaf, valueLeaf, repLevel: rep + 1, leaves: [keyLeaf, valueLeaf] };
      }
    }
  };
  const children = schema.fields.map((field) => compile(field, 0));
  if (next !== schema.leaves.length) throw new Error(`internal: compiled ${next} leaves, schema has ${schema.leaves.length}`);
  return {
    root: { kind: 'struct', name: '', ocsfPath: '', children, byName: new Map(children.map((c) => [c.name, c])), leaves: children.flatMap(leavesOf) },
    leafCount: next,
  };
}

function leavesOf(node: CompiledNode): number[] {
  return node.kind === 'primitive' ? [node.leaf] : node.leaves;
}

function schemaElements(schema: FindingParquetSchema): SchemaElementSpec[] {
  const out: SchemaElementSpec[] = [{ name: 'schema', numChildren: schema.fields.length }];
  const optional = Repetition.OPTIONAL;
  const visit = (node: ParquetNode): void => {
    switch (node.kind) {
      case 'primitive':
        switch (node.leaf) {
          case 'string':
          case 'json':
            out.push({ name: node.name, type: ParquetType.BYTE_ARRAY, repetition: optional, convertedType: ConvertedType.UTF8, logicalType: { kind: 'STRING' } });
            return;
          case 'int32':
            out.push({ name: node.name, type: ParquetType.INT32, repetition: optional });
            return;
          case 'int64':
          case 'epochMillis':
            out.push({ name: node.name, type: ParquetType.INT64, repetition: optional });
            return;
          case 'timestampMillisUtc':
            out.push({
              name: node.name,
              type: ParquetType.INT64,
              repetition: optional,
              convertedType: ConvertedType.TIMESTAMP_MILLIS,
              logicalType: { kind: 'TIMESTAMP', unit: 'MILLIS', isAdjustedToUTC: true },
            });
            return;
        }
        return;
      case 'struct':
        out.push({ name: node.name, repetition: optional, numChildren: node.children.length });
        node.children.forEach(visit);
        return;
      case 'list':
        out.push({ name: node.name, repetition: optional, numChildren: 1, convertedType: ConvertedType.LIST, logicalType: { kind: 'LIST' } });
        out.push({ name: 'list', repetition: Repetition.REPEATED, numChildren: 1 });
        visit(node.element);
        return;
      case 'map':
        out.push({ name: node.name, repetition: optional, numChildren: 1, convertedType: ConvertedType.MAP, logicalType: { kind: 'MAP' } });
        out.push({ name: 'key_value', repetition: Repetition.REPEATED, numChildren: 2 });
        out.push({ name: 'key', type: ParquetType.BYTE_ARRAY, repetition: Repetition.REQUIRED, convertedType: ConvertedType.UTF8, logicalType: { kind: 'STRING' } });
        out.push({ name: 'value', type: ParquetType.BYTE_ARRAY, repetition: optional, convertedType: ConvertedType.UTF8, logicalType: { kind: 'STRING' } });
        return;
    }
  };
  schema.fields.forEach(visit);
  return out;
}

// ---------------------------------------------------------------------------
// Column buffers
// ---------------------------------------------------------------------------

/** One row's levels and values for one column, before they are committed. */
interface Scratch {
  reps: number[];
  defs: number[];
  values: CellValue[];
  /** PLAIN size of each value. */
  sizes: number[];
  /** Dictionary index of each value at measure() time, -1 when new. */
  indices: number[];
  /** Upper bound of the page growth if committed now (PLAIN, or dictionary indices). */
  bytes: number;
  /** Upper bound of the page growth in PLAIN. */
  plainBytes: number;
  /** PLAIN bytes this row would add to the dictionary. */
  newDictionaryBytes: number;
}

interface EncodedPage {
  header: Buffer;
  body: Buffer;
  uncompressedSize: number;
  dictionaryEncoded: boolean;
}

class ColumnBuffer {
  readonly physicalType: number;
  // current page
  reps: number[] = [];
  defs: number[] = [];
  /** PLAIN mode: the values; dictionary mode: dictionary indices. */
  values: Array<CellValue> = [];
  pageBytes = 0;
  pageRows = 0;
  // current column chunk
  useDictionary = true;
  dictionary = new Map<CellValue, number>();
  dictionaryValues: CellValue[] = [];
  dictionaryBytes = 0;
  pages: EncodedPage[] = [];
  compressedBytes = 0;
  numValues = 0;
  nullCount = 0;
  min: CellValue | undefined;
  max: CellValue | undefined;

  constructor(readonly leaf: LeafColumn) {
    this.physicalType = ParquetType[leaf.physicalType];
  }

  resetChunk(): void {
    this.useDictionary = true;
    this.dictionary = new Map();
    this.dictionaryValues = [];
    this.dictionaryBytes = 0;
    this.pages = [];
    this.compressedBytes = 0;
    this.numValues = 0;
    this.nullCount = 0;
    this.min = undefined;
    this.max = undefined;
  }

  /** Upper bound of this column's contribution to the current row group's compressed size. */
  boundBytes(): number {
    return this.compressedBytes + this.pageBytes + (this.useDictionary ? this.dictionaryBytes : 0) + 256;
  }
}

// ---------------------------------------------------------------------------
// The writer
// ---------------------------------------------------------------------------

type Output = NodeJS.WritableStream | Writable;

export class FindingParquetWriter {
  private readonly schema: FindingParquetSchema;
  private readonly root: CompiledNode & { kind: 'struct' };
  private readonly columns: ColumnBuffer[];
  private readonly scratch: Scratch[];
  private readonly timeLeaf: number | undefined;
  private readonly classUidLeaf: number | undefined;
  private readonly rowGroupRows: number;
  private readonly rowGroupBytes: number;
  private readonly pageBytes: number;
  private readonly pageRows: number;
  private readonly zstdLevel: number;
  private readonly keyValueMetadata: Array<{ key: string; value: string }>;
  private readonly pageSink = new ByteSink(1 << 20);
  private readonly headerSink = new ByteSink(256);
  /** Indices of the list elements being shredded (outermost first), for error paths. */
  private readonly listIndices: number[] = [];

  private rowGroups: RowGroupSpec[] = [];
  private groupRows = 0;
  private groupSorted = true;
  private lastTime: number | bigint | undefined;
  private fileSorted = true;
  private totalRows = 0;
  private written = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly output: Output,
    options: FindingParquetWriterOptions,
  ) {
    this.schema = options.schema ?? findingParquetSchema();
    this.rowGroupRows = positiveInt(options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS, 'rowGroupRows');
    this.rowGroupBytes = positiveInt(options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES, 'rowGroupBytes');
    if (this.rowGroupBytes > MAX_ROW_GROUP_BYTES) throw new RangeError(`rowGroupBytes must be at most ${MAX_ROW_GROUP_BYTES} (Security Lake's row group limit)`);
    this.pageBytes = positiveInt(options.pageBytes ?? MAX_PAGE_BYTES, 'pageBytes');
    if (this.pageBytes > MAX_PAGE_BYTES) throw new RangeError(`pageBytes must be at most ${MAX_PAGE_BYTES} (Security Lake's page limit)`);
    this.pageRows = positiveInt(options.pageRows ?? DEFAULT_PAGE_ROWS, 'pageRows');
    this.zstdLevel = options.zstdLevel ?? DEFAULT_ZSTD_LEVEL;
    const compiled = compileSchema(this.schema);
    this.root = compiled.root;
    this.columns = this.schema.leaves.map((leaf) => new ColumnBuffer(leaf));
    this.scratch = this.schema.leaves.map(() => ({ reps: [], defs: [], values: [], sizes: [], indices: [], bytes: 0, plainBytes: 0, newDictionaryBytes: 0 }));
    this.timeLeaf = this.schema.leaves.find((l) => l.path.length === 1 && l.path[0] === 'time')?.index;
    this.classUidLeaf = this.schema.leaves.find((l) => l.path.length === 1 && l.path[0] === 'class_uid')?.index;
    this.keyValueMetadata = Object.entries({
      ...options.keyValueMetadata,
      'ocsf.version': this.schema.ocsfVersion,
      'ocsf.class_uid': String(this.schema.classUid),
      'ocsf.class_name': this.schema.className,
    }).map(([key, value]) => ({ key, value }));
    if (typeof (output as NodeJS.EventEmitter).on === 'function') {
      (output as NodeJS.EventEmitter).on('error', (error: Error) => {
        this.failure ??= error;
      });
    }
  }

  /** Opens a writer on `output` and writes the file header. */
  static async open(output: Output, options: FindingParquetWriterOptions = {}): Promise<FindingParquetWriter> {
    await initZstd();
    const writer = new FindingParquetWriter(output, options);
    await writer.write([PARQUET_MAGIC]);
    return writer;
  }

  /** Bytes handed to `output` so far (header and finished row groups; the footer after close). */
  get bytesWritten(): number {
    return this.written;
  }

  /**
   * Bytes the current row group will add at most (compressed pages so far,
   * plus pending pages counted uncompressed). `bytesWritten + bufferedBytes`
   * bounds the file size before the footer.
   */
  get bufferedBytes(): number {
    let total = 0;
    for (const column of this.columns) total += column.boundBytes();
    return this.groupRows === 0 ? 0 : total;
  }

  get rowCount(): number {
    return this.totalRows;
  }

  /** Whether every row so far came in non-decreasing `time` order (with `time` set). */
  get sortedByTime(): boolean {
    return this.fileSorted;
  }

  /** Adds one row. Rejects with FindingRowError (and writes nothing of it) when the row cannot be written. */
  appendRow(row: FindingRow): Promise<void> {
    const result = this.tail.then(() => this.appendNow(row));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Writes the last row group and the footer, then ends `output`. */
  close(): Promise<void> {
    const result = this.tail.then(() => this.closeNow());
    this.tail = result.catch(() => undefined);
    return result;
  }

  // -------------------------------------------------------------------------

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('FindingParquetWriter is closed');
  }

  private async appendNow(row: FindingRow): Promise<void> {
    this.checkUsable();
    this.shredRow(row); // throws FindingRowError before anything is committed
    if (this.classUidLeaf !== undefined) {
      const classUid = this.scratch[this.classUidLeaf]!.values[0];
      if (classUid !== this.schema.classUid) {
        throw new FindingRowError('class_uid', `this file holds OCSF class ${this.schema.classUid} (${this.schema.className}) only, got ${classUid === undefined ? 'none' : classUid}`);
      }
    }
    // Row sizes per column, and the checks that must pass before committing.
    let rowBound = 0;
    for (let c = 0; c < this.columns.length; c++) {
      const s = this.measure(c);
      if (s.plainBytes > this.pageBytes - 64) {
        throw new FindingRowError(this.columns[c]!.leaf.ocsfPath, `${s.plainBytes} bytes in one row do not fit in a ${this.pageBytes}-byte data page`);
      }
      rowBound += s.bytes + s.newDictionaryBytes;
    }
    if (this.groupRows > 0 && (this.groupRows >= this.rowGroupRows || this.bufferedBytes + rowBound > this.rowGroupBytes)) {
      await this.flushRowGroup();
      for (let c = 0; c < this.columns.length; c++) this.measure(c); // new chunks, new dictionaries
    }
    this.commitRow();
    if (this.groupRows >= this.rowGroupRows) await this.flushRowGroup();
  }

  /** Fills `scratch` with this row's levels and values; throws FindingRowError on a bad value. */
  private shredRow(row: FindingRow): void {
    for (const s of this.scratch) {
      s.reps.length = 0;
      s.defs.length = 0;
      s.values.length = 0;
      s.sizes.length = 0;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new FindingRowError('', `a row must be an object, got ${describe(row)}`);
    this.listIndices.length = 0;
    this.shredStructFields(this.root, row as Record<string, unknown>, 0, 0);
  }

  private shredStructFields(node: CompiledNode & { kind: 'struct' }, value: Record<string, unknown>, def: number, rep: number): void {
    for (const key in value) {
      if (value[key] !== undefined && !node.byName.has(key)) {
        const where = node.ocsfPath ? `${this.errorPath(node.ocsfPath)}.${key}` : key;
        throw new FindingRowError(where, 'no column for this attribute (add it to EMITTED_ATTRIBUTE_PATHS, or put the source field in unmapped)');
      }
    }
    for (const child of node.children) this.shred(child, value[child.name], def, rep);
  }

  /**
   * The attribute path of an error, e.g. `resources[1].labels[0]`: the
   * node's OCSF path with the list indices being shredded filled in (paths
   * are built only on error, not for every value).
   */
  private errorPath(ocsfPath: string, listItself = false): string {
    let k = 0;
    const path = listItself && ocsfPath.endsWith('[]') ? ocsfPath.slice(0, -2) : ocsfPath;
    return path.replace(/\[\]/g, () => `[${this.listIndices[k++] ?? ''}]`);
  }

  private emitNulls(leaves: readonly number[], def: number, rep: number): void {
    for (const leaf of leaves) {
      const s = this.scratch[leaf]!;
      s.reps.push(rep);
      s.defs.push(def);
    }
  }

  /** Dremel shredding: `def` is the definition level of the parent, `rep` the repetition level of the first value. */
  private shred(node: CompiledNode, value: unknown, def: number, rep: number): void {
    if (value === undefined || value === null) {
      this.emitNulls(leavesOf(node), def, rep);
      return;
    }
    switch (node.kind) {
      case 'primitive': {
        const s = this.scratch[node.leaf]!;
        let cell: CellValue;
        try {
          cell = convertLeaf(node.leafKind, value);
        } catch (error) {
          if (error instanceof FindingRowError) throw new FindingRowError(this.errorPath(node.ocsfPath), error.reason);
          throw error;
        }
        s.values.push(cell);
        s.sizes.push(plainSize(node.leafKind, cell));
        s.reps.push(rep);
        s.defs.push(def + 1);
        return;
      }
      case 'struct':
        if (typeof value !== 'object' || Array.isArray(value)) throw new FindingRowError(this.errorPath(node.ocsfPath), `expected an object, got ${describe(value)}`);
        this.shredStructFields(node, value as Record<string, unknown>, def + 1, rep);
        return;
      case 'list': {
        if (!Array.isArray(value)) throw new FindingRowError(this.errorPath(node.ocsfPath, true), `expected an array, got ${describe(value)}`);
        if (value.length === 0) {
          this.emitNulls(node.leaves, def + 1, rep);
          return;
        }
        const depth = this.listIndices.length;
        for (let i = 0; i < value.length; i++) {
          this.listIndices[depth] = i;
          this.shred(node.element, value[i], def + 2, i === 0 ? rep : node.repLevel);
        }
        this.listIndices.length = depth;
        return;
      }
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value) || value instanceof Map) {
          throw new FindingRowError(this.errorPath(node.ocsfPath), `expected an object of string values, got ${describe(value)}`);
        }
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        if (entries.length === 0) {
          this.emitNulls(node.leaves, def + 1, rep);
          return;
        }
        const keys = this.scratch[node.keyLeaf]!;
        const values = this.scratch[node.valueLeaf]!;
        entries.forEach(([key, entryValue], i) => {
          const r = i === 0 ? rep : node.repLevel;
          keys.reps.push(r);
          keys.defs.push(def + 2);
          keys.values.push(key);
          keys.sizes.push(plainSize('string', key));
          values.reps.push(r);
          if (entryValue === null) {
            values.defs.push(def + 2);
          } else {
            if (typeof entryValue !== 'string') throw new FindingRowError(`${this.errorPath(node.ocsfPath)}.${key}`, `map values must be strings, got ${describe(entryValue)}`);
            values.defs.push(def + 3);
            values.values.push(entryValue);
            values.sizes.push(plainSize('string', entryValue));
          }
        });
        return;
      }
    }
  }

  /**
   * Sizes this row's part of column `c` (one dictionary lookup per value):
   * levels count at most one byte each (bit widths here are <= 8), values
   * their PLAIN size, or 4 bytes for a dictionary index.
   */
  private measure(c: number): Scratch {
    const column = this.columns[c]!;
    const s = this.scratch[c]!;
    const levels = s.defs.length * (column.leaf.maxRepetitionLevel > 0 ? 2 : 1);
    let plain = levels;
    for (const size of s.sizes) plain += size;
    s.plainBytes = plain;
    s.indices.length = 0;
    s.newDictionaryBytes = 0;
    if (!column.useDictionary) {
      s.bytes = plain;
      return s;
    }
    for (let i = 0; i < s.values.length; i++) {
      const index = column.dictionary.get(s.values[i]!);
      s.indices.push(index ?? -1);
      if (index === undefined) s.newDictionaryBytes += s.sizes[i]!;
    }
    s.bytes = levels + 4 * s.values.length;
    return s;
  }

  private commitRow(): void {
    for (let c = 0; c < this.columns.length; c++) this.commitColumn(c);
    // time order
    if (this.timeLeaf !== undefined) {
      const time = this.scratch[this.timeLeaf]!.values[0] as number | bigint | undefined;
      if (time === undefined || (this.lastTime !== undefined && time < this.lastTime)) {
        this.groupSorted = false;
        this.fileSorted = false;
      }
      if (time !== undefined) this.lastTime = time;
    }
    this.groupRows++;
    this.totalRows++;
  }

  private commitColumn(c: number): void {
    const column = this.columns[c]!;
    const s = this.scratch[c]!;

    // Would this row's new values overflow the dictionary page? Then PLAIN for the rest of the chunk.
    if (column.useDictionary && s.newDictionaryBytes > 0 && column.dictionaryBytes + s.newDictionaryBytes > this.pageBytes) {
      this.flushPage(column);
      this.switchToPlain(column);
    }
    const bytes = column.useDictionary ? s.bytes : s.plainBytes;
    if (column.pageRows > 0 && (column.pageBytes + bytes > this.pageBytes - 64 || column.pageRows >= this.pageRows)) {
      this.flushPage(column); // may also leave the dictionary (see flushPage)
    }

    for (let i = 0; i < s.defs.length; i++) {
      column.reps.push(s.reps[i]!);
      column.defs.push(s.defs[i]!);
    }
    column.nullCount += s.defs.length - s.values.length;
    column.numValues += s.defs.length;
    if (column.useDictionary) {
      for (let i = 0; i < s.values.length; i++) {
        let index = s.indices[i]!;
        if (index < 0) {
          const value = s.values[i]!;
          const known = column.dictionary.get(value); // the same new value twice in one row
          if (known === undefined) {
            index = column.dictionaryValues.length;
            column.dictionary.set(value, index);
            column.dictionaryValues.push(value);
            column.dictionaryBytes += s.sizes[i]!;
            this.updateStats(column, value);
          } else {
            index = known;
          }
        }
        column.values.push(index);
      }
      column.pageBytes += s.bytes;
    } else {
      for (const value of s.values) {
        column.values.push(value);
        this.updateStats(column, value);
      }
      column.pageBytes += s.plainBytes;
    }
    column.pageRows++;
  }

  private updateStats(column: ColumnBuffer, value: CellValue): void {
    if (column.min === undefined || lessThan(value, column.min)) column.min = value;
    if (column.max === undefined || lessThan(column.max, value)) column.max = value;
  }

  /**
   * Leaves dictionary encoding for the rest of the chunk. If no page has been
   * written with the dictionary yet, the dictionary is dropped altogether.
   */
  private switchToPlain(column: ColumnBuffer): void {
    column.useDictionary = false;
    if (column.pages.length === 0) {
      column.dictionary = new Map();
      column.dictionaryValues = [];
      column.dictionaryBytes = 0;
    }
  }

  /** Encodes, compresses and keeps the column's current page. */
  private flushPage(column: ColumnBuffer): void {
    if (column.defs.length === 0) return;
    // A dictionary that is mostly unique values only costs space: decide at the first page.
    if (column.useDictionary && column.pages.length === 0) {
      const nonNull = column.values.length;
      if (nonNull === 0 || column.dictionaryValues.length > 0.6 * nonNull) {
        const plainValues = column.values.map((index) => column.dictionaryValues[index as number]!);
        let plainBytes = column.defs.length * 2 + 64;
        for (const value of plainValues) plainBytes += plainSize(column.leaf.leaf, value);
        // Only when the PLAIN page still fits (repeated long values may not).
        if (plainBytes <= this.pageBytes) {
          column.values = plainValues;
          this.switchToPlain(column);
        }
      }
    }
    const leaf = column.leaf;
    const sink = this.pageSink;
    sink.reset();
    const count = column.defs.length;
    if (leaf.maxRepetitionLevel > 0) encodeLevelsV1(sink, column.reps, 0, count, leaf.maxRepetitionLevel);
    encodeLevelsV1(sink, column.defs, 0, count, leaf.maxDefinitionLevel);
    const dictionaryEncoded = column.useDictionary;
    if (dictionaryEncoded) {
      const bitWidth = Math.max(1, bitWidthOf(column.dictionaryValues.length - 1));
      sink.byte(bitWidth);
      encodeRleHybrid(sink, column.values as number[], 0, column.values.length, bitWidth);
    } else {
      writePlain(sink, column.leaf.leaf, column.values);
    }
    const uncompressedSize = sink.length;
    if (uncompressedSize > this.pageBytes) {
      throw new Error(`internal: page of ${leaf.path.join('.')} is ${uncompressedSize} bytes, over the ${this.pageBytes}-byte limit`);
    }
    const body = zstdCompress(sink.view(), this.zstdLevel);
    this.headerSink.reset();
    writePageHeader(this.headerSink, {
      kind: 'data',
      uncompressedSize,
      compressedSize: body.length,
      numValues: count,
      encoding: dictionaryEncoded ? Encoding.PLAIN_DICTIONARY : Encoding.PLAIN,
    });
    const header = this.headerSink.toBuffer();
    column.pages.push({ header, body, uncompressedSize, dictionaryEncoded });
    column.compressedBytes += header.length + body.length;
    column.reps = [];
    column.defs = [];
    column.values = [];
    column.pageBytes = 0;
    column.pageRows = 0;
  }

  private async flushRowGroup(): Promise<void> {
    if (this.groupRows === 0) return;
    const chunks: Buffer[] = [];
    const columnSpecs: ColumnChunkSpec[] = [];
    let offset = this.written;
    const groupStart = offset;
    let totalUncompressed = 0;
    for (const column of this.columns) {
      this.flushPage(column);
      const chunkStart = offset;
      let uncompressed = 0;
      let dictionaryPageOffset: number | undefined;
      const usedDictionary = column.pages.some((p) => p.dictionaryEncoded);
      if (usedDictionary) {
        const sink = this.pageSink;
        sink.reset();
        writePlain(sink, column.leaf.leaf, column.dictionaryValues);
        const uncompressedSize = sink.length;
        if (uncompressedSize > this.pageBytes) throw new Error(`internal: dictionary page of ${column.leaf.path.join('.')} is ${uncompressedSize} bytes`);
        const body = zstdCompress(sink.view(), this.zstdLevel);
        this.headerSink.reset();
        writePageHeader(this.headerSink, { kind: 'dictionary', uncompressedSize, compressedSize: body.length, numValues: column.dictionaryValues.length });
        const header = this.headerSink.toBuffer();
        dictionaryPageOffset = offset;
        chunks.push(header, body);
        offset += header.length + body.length;
        uncompressed += header.length + uncompressedSize;
      }
      const dataPageOffset = offset;
      let dictPages = 0;
      let plainPages = 0;
      for (const page of column.pages) {
        chunks.push(page.header, page.body);
        offset += page.header.length + page.body.length;
        uncompressed += page.header.length + page.uncompressedSize;
        if (page.dictionaryEncoded) dictPages++;
        else plainPages++;
      }
      const encodings: number[] = [Encoding.RLE];
      const encodingStats: Array<{ pageType: number; encoding: number; count: number }> = [];
      if (usedDictionary) {
        encodings.push(Encoding.PLAIN_DICTIONARY);
        encodingStats.push({ pageType: PageType.DICTIONARY_PAGE, encoding: Encoding.PLAIN_DICTIONARY, count: 1 });
        encodingStats.push({ pageType: PageType.DATA_PAGE, encoding: Encoding.PLAIN_DICTIONARY, count: dictPages });
      }
      if (plainPages > 0) {
        encodings.push(Encoding.PLAIN);
        encodingStats.push({ pageType: PageType.DATA_PAGE, encoding: Encoding.PLAIN, count: plainPages });
      }
      totalUncompressed += uncompressed;
      columnSpecs.push({
        fileOffset: chunkStart,
        metaData: {
          type: column.physicalType,
          encodings,
          pathInSchema: column.leaf.path,
          codec: Codec.ZSTD,
          numValues: column.numValues,
          totalUncompressedSize: uncompressed,
          totalCompressedSize: offset - chunkStart,
          dataPageOffset,
          ...(dictionaryPageOffset === undefined ? {} : { dictionaryPageOffset }),
          statistics: statisticsOf(column),
          encodingStats,
        },
      });
      column.resetChunk();
    }
    const group: RowGroupSpec = {
      columns: columnSpecs,
      totalByteSize: totalUncompressed,
      numRows: this.groupRows,
      fileOffset: groupStart,
      totalCompressedSize: offset - groupStart,
      ordinal: this.rowGroups.length,
      ...(this.groupSorted && this.timeLeaf !== undefined ? { sortingColumns: [{ columnIdx: this.timeLeaf, descending: false, nullsFirst: false }] } : {}),
    };
    if (group.totalCompressedSize > MAX_ROW_GROUP_BYTES) {
      throw new Error(`internal: row group of ${group.totalCompressedSize} bytes exceeds ${MAX_ROW_GROUP_BYTES}`);
    }
    this.rowGroups.push(group);
    this.groupRows = 0;
    this.groupSorted = true;
    await this.write(chunks);
  }

  private async closeNow(): Promise<void> {
    this.checkUsable();
    await this.flushRowGroup();
    this.closed = true;
    const footer = serializeFileMetaData({
      version: 1,
      schema: schemaElements(this.schema),
      numRows: this.totalRows,
      rowGroups: this.rowGroups,
      keyValueMetadata: this.keyValueMetadata,
      createdBy: CREATED_BY,
      leafCount: this.columns.length,
    });
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(footer.length, 0);
    PARQUET_MAGIC.copy(trailer, 4);
    await this.write([footer, trailer]);
    const finished = waitFor(this.output, 'finish');
    this.output.end();
    await finished;
    if (this.failure) throw this.failure;
  }

  private async write(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      if (this.failure) throw this.failure;
      const ok = this.output.write(chunk);
      this.written += chunk.length;
      if (!ok) await waitFor(this.output, 'drain');
    }
    if (this.failure) throw this.failure;
  }
}

/** Resolves on `event`; rejects when the output fails or closes first (a destroyed stream never drains). */
function waitFor(output: Output, event: 'drain' | 'finish'): Promise<void> {
  const emitter = output as NodeJS.EventEmitter;
  if ((output as Writable).destroyed) return Promise.reject(new Error(`the Parquet output is destroyed (waiting for '${event}')`));
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      emitter.removeListener(event, onEvent);
      emitter.removeListener('error', onError);
      emitter.removeListener('close', onClose);
    };
    const onEvent = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error(`the Parquet output closed before '${event}'`));
    };
    emitter.on(event, onEvent);
    emitter.on('error', onError);
    emitter.on('close', onClose);
  });
}

function positiveInt(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function writePlain(sink: ByteSink, kind: LeafKind, values: readonly CellValue[]): void {
  switch (kind) {
    case 'string':
    case 'json':
      for (const value of values) {
        const at = sink.length;
        sink.uint32LE(0);
        const n = sink.utf8(value as string);
        sink.patchUint32LE(at, n);
      }
      return;
    case 'int32':
      for (const value of values) sink.int32LE(value as number);
      return;
    default:
      for (const value of values) sink.int64LE(value as number | bigint);
  }
}

function statisticsOf(column: ColumnBuffer): { nullCount: number; minValue?: Uint8Array; maxValue?: Uint8Array } {
  if (column.min === undefined || column.max === undefined) return { nullCount: column.nullCount };
  const encode = (value: CellValue): Buffer => {
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    const sink = new ByteSink(8);
    if (column.leaf.leaf === 'int32') sink.int32LE(value as number);
    else sink.int64LE(value);
    return sink.toBuffer();
  };
  const minValue = encode(column.min);
  const maxValue = encode(column.max);
  if (minValue.length > MAX_STATISTICS_BYTES || maxValue.length > MAX_STATISTICS_BYTES) return { nullCount: column.nullCount };
  return { nullCount: column.nullCount, minValue, maxValue };
}
