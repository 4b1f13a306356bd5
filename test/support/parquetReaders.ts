/**
 * Independent readers for the Parquet files we write: pyarrow (through
 * test/support/read_parquet.py) and DuckDB (@duckdb/node-api). Each reader's
 * output, and the rows we wrote, are brought to one canonical JSON shape
 * guided by the derived schema, so a test can compare them with toEqual:
 *
 * - every column present (null when absent), in schema order;
 * - `*_dt` (TIMESTAMP MILLIS UTC) as `YYYY-MM-DDTHH:MM:SS.mmmZ`;
 * - int64 columns as numbers; json_t as its JSON text;
 * - maps (unmapped) as [key, value] pairs in file order.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FindingParquetSchema, ParquetNode } from '../../src/parquet/findingParquetSchema';
import { rfc3339ToEpochMillis } from '../../src/parquet/findingParquetWriter';

const READ_PARQUET_PY = path.join(__dirname, 'read_parquet.py');

export interface PyarrowColumnChunk {
  path: string;
  physical_type: string;
  compression: string;
  encodings: string[];
  num_values: number;
  total_compressed_size: number;
  total_uncompressed_size: number;
  has_dictionary_page: boolean;
  statistics: { null_count: number | null; has_min_max: boolean; min: unknown; max: unknown; logical_type: string } | null;
}

export interface PyarrowRowGroup {
  num_rows: number;
  total_byte_size: number;
  total_compressed_size: number;
  sorting_columns: Array<{ column_index: number; descending: boolean; nulls_first: boolean }>;
  columns: PyarrowColumnChunk[];
}

export interface PyarrowPage {
  row_group: number;
  column: string;
  page_type: string;
  uncompressed_page_size: number;
  compressed_page_size: number;
  num_values: number;
  encoding: number;
}

export interface PyarrowReport {
  arrow_schema: Record<string, string>;
  arrow_schema_text: string;
  parquet_schema: string;
  metadata: {
    num_rows: number;
    num_row_groups: number;
    num_columns: number;
    created_by: string;
    format_version: string;
    key_value: Record<string, string>;
    row_groups: PyarrowRowGroup[];
  };
  pages: PyarrowPage[];
  rows?: unknown[];
}

const PYTHON = process.env.PYTHON ?? 'python3';

/** Reads `file` with pyarrow. Fails with a hint when pyarrow is not installed. */
export function readWithPyarrow(file: string, options: { rows?: boolean } = {}): PyarrowReport {
  const args = [READ_PARQUET_PY, file];
  if (options.rows === false) args.push('--no-rows');
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const hint = /No module named 'pyarrow'/.test(result.stderr) ? ' (install it: python3 -m pip install -r requirements-test.txt)' : '';
    throw new Error(`read_parquet.py failed${hint}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as PyarrowReport;
}

export interface DuckDbReport {
  /** column name → DuckDB type, as DESCRIBE reports it. */
  columns: Record<string, string>;
  /** Rows as @duckdb/node-api's JSON conversion gives them (not yet canonical). */
  rows: Array<Record<string, unknown>>;
  /** parquet_metadata(): one entry per column chunk. */
  chunks: Array<{ row_group_id: number; path_in_schema: string; compression: string; total_compressed_size: number; total_uncompressed_size: number }>;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Reads `file` with DuckDB (types, rows in file order, column-chunk metadata). */
export async function readWithDuckDb(file: string): Promise<DuckDbReport> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const source = `read_parquet(${sqlString(file)})`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const columns: Record<string, string> = {};
    for (const row of described.getRowObjectsJson()) columns[String(row.column_name)] = String(row.column_type);
    const rows = (await connection.runAndReadAll(`SELECT * FROM ${source}`)).getRowObjectsJson() as Array<Record<string, unknown>>;
    const meta = await connection.runAndReadAll(
      `SELECT row_group_id, path_in_schema, compression, total_compressed_size, total_uncompressed_size FROM parquet_metadata(${sqlString(file)}) ORDER BY row_group_id, column_id`,
    );
    const chunks = meta.getRowObjectsJson().map((row) => ({
      row_group_id: Number(row.row_group_id),
      path_in_schema: String(row.path_in_schema),
      compression: String(row.compression),
      total_compressed_size: Number(row.total_compressed_size),
      total_uncompressed_size: Number(row.total_uncompressed_size),
    }));
    return { columns, rows, chunks };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// ---------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** The canonical form of a row as we hand it to the writer. */
export function canonicalInputRow(row: object, schema: FindingParquetSchema): Record<string, Json> {
  return canonicalStruct(schema.fields, row as Record<string, unknown>, inputLeaf, inputMap);
}

/** The canonical form of a row as read_parquet.py prints it (already close: fill and check shapes). */
export function canonicalPyarrowRow(row: unknown, schema: FindingParquetSchema): Record<string, Json> {
  return canonicalStruct(schema.fields, row as Record<string, unknown>, (_node, value) => value as Json, (value) => value as Json);
}

/** The canonical form of a row as @duckdb/node-api's getRowObjectsJson() returns it. */
export function canonicalDuckDbRow(row: unknown, schema: FindingParquetSchema): Record<string, Json> {
  return canonicalStruct(schema.fields, row as Record<string, unknown>, duckLeaf, (value) =>
    (value as Array<{ key: string; value: string | null }>).map((entry) => [entry.key, entry.value]),
  );
}

type LeafFn = (node: ParquetNode & { kind: 'primitive' }, value: unknown) => Json;
type MapFn = (value: unknown) => Json;

function canonicalStruct(fields: readonly ParquetNode[], value: Record<string, unknown>, leaf: LeafFn, map: MapFn): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of fields) out[field.name] = canonicalNode(field, value[field.name], leaf, map);
  return out;
}

function canonicalNode(node: ParquetNode, value: unknown, leaf: LeafFn, map: MapFn): Json {
  if (value === undefined || value === null) return null;
  switch (node.kind) {
    case 'primitive':
      return leaf(node, value);
    case 'struct':
      return canonicalStruct(node.children, value as Record<string, unknown>, leaf, map);
    case 'list':
      return (value as unknown[]).map((element) => canonicalNode(node.element, element, leaf, map));
    case 'map':
      return map(value);
  }
}

function inputLeaf(node: ParquetNode & { kind: 'primitive' }, value: unknown): Json {
  switch (node.leaf) {
    case 'json':
      return JSON.stringify(value);
    case 'timestampMillisUtc':
      return isoMillis(value instanceof Date ? value.getTime() : typeof value === 'number' ? value : rfc3339ToEpochMillis(String(value)));
    case 'int64':
    case 'epochMillis':
      return Number(value);
    default:
      return value as Json;
  }
}

function inputMap(value: unknown): Json {
  return Object.entries(value as Record<string, string | null | undefined>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, v ?? null]);
}

/** DuckDB prints TIMESTAMPTZ (TimeZone=UTC) as `2026-09-01 00:13:50.584+00`. */
function duckTimestamp(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?\+00$/.exec(text);
  if (!match) throw new Error(`unexpected DuckDB timestamp text: ${text}`);
  const fraction = (match[3] ?? '.').slice(1).padEnd(3, '0').slice(0, 3);
  return `${match[1]}T${match[2]}.${fraction}Z`;
}

function duckLeaf(node: ParquetNode & { kind: 'primitive' }, value: unknown): Json {
  switch (node.leaf) {
    case 'timestampMillisUtc':
      return duckTimestamp(String(value));
    case 'int64':
    case 'epochMillis':
      return Number(value); // BIGINT comes back as a decimal string
    default:
      return value as Json;
  }
}
