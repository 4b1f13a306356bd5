/**
 * Issue 3, "done when" 2 and 3: one file built from every policy of the
 * catalog (cloud and IaC, through the real mapping), read back by pyarrow and
 * by DuckDB with the expected types and identical values; its metadata shows
 * zstd, page and row-group sizes within Security Lake's limits, and rows
 * sorted by time.
 */
import { findingParquetSchema } from '../../src/parquet/findingParquetSchema';
import { MAX_PAGE_BYTES, MAX_ROW_GROUP_BYTES } from '../../src/parquet/findingParquetWriter';
import { catalogFindingRows } from '../support/findingRows';
import { TempDir, writeFindingFile } from '../support/parquetFiles';
import type { DuckDbReport, PyarrowReport } from '../support/parquetReaders';
import { canonicalDuckDbRow, canonicalInputRow, canonicalPyarrowRow, readWithDuckDb, readWithPyarrow } from '../support/parquetReaders';

const schema = findingParquetSchema();
const RESOURCE_STRUCT =
  'struct<uid: string, name: string, type: string, labels: list<element: string>, data: string, namespace: string, region: string, ' +
  'owner: struct<name: string, uid: string, type: string, type_id: int32, domain: string, email_addr: string, groups: list<element: struct<name: string>>>>';

describe('a Parquet file of every policy in the catalog', () => {
  const dir = new TempDir();
  const file = dir.file('every-policy.parquet');
  const rows = catalogFindingRows({ catalog: 'all' });
  let pyarrow: PyarrowReport;
  let duck: DuckDbReport;

  beforeAll(async () => {
    // A small row-group bound so that the file has several row groups.
    const writer = await writeFindingFile(file, rows, { rowGroupRows: 1000 });
    expect(writer.sortedByTime).toBe(true);
    pyarrow = readWithPyarrow(file);
    duck = await readWithDuckDb(file);
  });
  afterAll(() => dir.remove());

  it('covers both alert kinds and all their policies', () => {
    expect(rows.length).toBe(1038 + 1391);
    expect(new Set(rows.map((row) => row.metadata.log_name))).toEqual(new Set(['cloud_alerts', 'iac_alerts']));
  });

  it('pyarrow sees the expected Arrow types', () => {
    const types = pyarrow.arrow_schema;
    expect(types.time).toBe('int64');
    expect(types.time_dt).toBe('timestamp[ms, tz=UTC]');
    expect(types.type_uid).toBe('int64');
    expect(types.severity_id).toBe('int32');
    expect(types.class_uid).toBe('int32');
    expect(types.message).toBe('string');
    expect(types.resources).toBe(`list<element: ${RESOURCE_STRUCT}>`);
    expect(types.finding).toBe(
      'struct<uid: string, title: string, desc: string, created_time: int64, created_time_dt: timestamp[ms, tz=UTC], ' +
        'modified_time: int64, modified_time_dt: timestamp[ms, tz=UTC], types: list<element: string>>',
    );
    expect(types.compliance).toBe('struct<standards: list<element: string>, control: string, requirements: list<element: string>>');
    expect(types.unmapped).toMatch(/^map<string, string( \('\w+'\))?>$/);
    // The TIMESTAMP logical type itself is in the file (not only the legacy converted type).
    expect(pyarrow.parquet_schema).toContain(
      'optional int64 field_id=-1 time_dt (Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds, is_from_converted_type=false',
    );
    expect(pyarrow.parquet_schema).toMatch(/optional int64 field_id=-1 time;/);
  });

  it('DuckDB sees the expected SQL types', () => {
    const types = duck.columns;
    expect(types.time).toBe('BIGINT');
    expect(types.time_dt).toBe('TIMESTAMP WITH TIME ZONE');
    expect(types.type_uid).toBe('BIGINT');
    expect(types.severity_id).toBe('INTEGER');
    expect(types.unmapped).toBe('MAP(VARCHAR, VARCHAR)');
    expect(types.resources).toBe(
      'STRUCT(uid VARCHAR, "name" VARCHAR, "type" VARCHAR, labels VARCHAR[], "data" VARCHAR, namespace VARCHAR, region VARCHAR, ' +
        '"owner" STRUCT("name" VARCHAR, uid VARCHAR, "type" VARCHAR, type_id INTEGER, "domain" VARCHAR, email_addr VARCHAR, "groups" STRUCT("name" VARCHAR)[]))[]',
    );
    expect(types.finding).toContain('created_time_dt TIMESTAMP WITH TIME ZONE');
  });

  it('both readers return exactly the rows we wrote, nested lists included', () => {
    const expected = rows.map((row) => canonicalInputRow(row, schema));
    expect(pyarrow.rows!.map((row) => canonicalPyarrowRow(row, schema))).toEqual(expected);
    expect(duck.rows.map((row) => canonicalDuckDbRow(row, schema))).toEqual(expected);
    // The rows really use the nested parts of the schema.
    expect(rows.some((row) => (row.resources?.[0]?.labels?.length ?? 0) > 1)).toBe(true);
    expect(rows.some((row) => (row.resources?.[0]?.owner?.groups?.length ?? 0) > 0)).toBe(true);
    expect(rows.some((row) => Object.keys(row.unmapped ?? {}).length > 3)).toBe(true);
  });

  it('uses zstd for every column chunk (pyarrow and DuckDB agree)', () => {
    const codecs = pyarrow.metadata.row_groups.flatMap((group) => group.columns.map((column) => column.compression));
    expect(codecs.length).toBe(pyarrow.metadata.num_row_groups * schema.leaves.length);
    expect(new Set(codecs)).toEqual(new Set(['ZSTD']));
    expect(new Set(duck.chunks.map((chunk) => chunk.compression))).toEqual(new Set(['ZSTD']));
  });

  it('keeps every page <= 1 MB uncompressed and every row group <= 256 MB compressed', () => {
    expect(pyarrow.pages.length).toBeGreaterThan(0);
    for (const page of pyarrow.pages) {
      expect({ column: page.column, size: page.uncompressed_page_size <= MAX_PAGE_BYTES }).toEqual({ column: page.column, size: true });
    }
    expect(pyarrow.metadata.num_row_groups).toBe(3);
    for (const group of pyarrow.metadata.row_groups) {
      expect(group.total_compressed_size).toBeLessThanOrEqual(MAX_ROW_GROUP_BYTES);
      // the metadata's sizes match the page headers (what "invalid column metadata" would break)
      for (const column of group.columns) {
        const pages = pyarrow.pages.filter((p) => p.column === column.path && p.row_group === pyarrow.metadata.row_groups.indexOf(group));
        expect(pages.reduce((n, p) => n + p.num_values, 0)).toBe(column.num_values + (column.has_dictionary_page ? pages[0]!.num_values : 0));
        expect(column.total_uncompressed_size).toBeGreaterThan(pages.reduce((n, p) => n + p.uncompressed_page_size, 0));
      }
    }
  });

  it('holds rows sorted by time and says so in every row group', () => {
    const times = (pyarrow.rows as Array<{ time: number }>).map((row) => row.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const timeIndex = schema.leaves.find((leaf) => leaf.path.join('.') === 'time')!.index;
    for (const group of pyarrow.metadata.row_groups) {
      expect(group.sorting_columns).toEqual([{ column_index: timeIndex, descending: false, nulls_first: false }]);
    }
  });

  it('holds one OCSF class', () => {
    expect(new Set((pyarrow.rows as Array<{ class_uid: number }>).map((row) => row.class_uid))).toEqual(new Set([2001]));
    expect(pyarrow.metadata.key_value['ocsf.class_uid']).toBe('2001');
  });
});
