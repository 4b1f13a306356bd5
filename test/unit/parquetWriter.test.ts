/**
 * FindingParquetWriter on hand-made rows: values round-trip through pyarrow
 * and DuckDB, bad rows are refused with their path, and the file obeys
 * Security Lake's limits (zstd, pages <= 1 MB, bounded row groups, time order).
 */
import { statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { findingParquetSchema } from '../../src/parquet/findingParquetSchema';
import { FindingParquetWriter, FindingRowError, MAX_PAGE_BYTES, rfc3339ToEpochMillis } from '../../src/parquet/findingParquetWriter';
import { edgeCaseRows, handRow } from '../support/findingRows';
import { TempDir, writeFindingFile } from '../support/parquetFiles';
import { canonicalDuckDbRow, canonicalInputRow, canonicalPyarrowRow, readWithDuckDb, readWithPyarrow } from '../support/parquetReaders';

const schema = findingParquetSchema();
let dir: TempDir;

beforeAll(() => {
  dir = new TempDir();
});
afterAll(() => dir.remove());

describe('FindingParquetWriter: values', () => {
  it('round-trips the corners of the schema through pyarrow and DuckDB', async () => {
    const rows = edgeCaseRows();
    const file = dir.file('edge.parquet');
    const writer = await writeFindingFile(file, rows);
    expect(writer.rowCount).toBe(rows.length);
    expect(writer.bytesWritten).toBe(statSync(file).size);

    const expected = rows.map((row) => canonicalInputRow(row, schema));
    const pyarrow = readWithPyarrow(file);
    expect(pyarrow.rows!.map((row) => canonicalPyarrowRow(row, schema))).toEqual(expected);
    const duck = await readWithDuckDb(file);
    expect(duck.rows.map((row) => canonicalDuckDbRow(row, schema))).toEqual(expected);
  });

  it('keeps null and empty apart (lists, maps, list elements)', async () => {
    const file = dir.file('null-vs-empty.parquet');
    await writeFindingFile(file, edgeCaseRows());
    const rows = readWithPyarrow(file).rows as Array<Record<string, any>>;
    expect(rows[1]!.resources).toBeNull();
    expect(rows[1]!.unmapped).toBeNull();
    expect(rows[2]!.resources).toEqual([]);
    expect(rows[2]!.unmapped).toEqual([]);
    expect(rows[2]!.finding.types).toEqual([]);
    expect(rows[3]!.finding.types).toEqual([null, 'TTPs', null]);
    expect(rows[3]!.resources[0]).toBeNull();
    expect(rows[3]!.resources[2].owner.groups.map((g: { name: string | null } | null) => g && g.name)).toEqual(['Admin', null, null, 'Ops']);
    expect(rows[3]!.unmapped).toEqual([
      ['a', 'x'],
      ['b', null],
      ['', 'empty key'],
      ['key with spaces', ''],
    ]);
  });

  it('writes json_t as its JSON text and *_dt as UTC milliseconds', async () => {
    const file = dir.file('json-dt.parquet');
    await writeFindingFile(file, edgeCaseRows());
    const rows = readWithPyarrow(file).rows as Array<Record<string, any>>;
    expect(rows[5]!.resources.map((r: { data: string }) => JSON.parse(r.data))).toEqual([
      'just a string',
      42.5,
      false,
      [1, 'two', null, { three: 3 }],
      { nested: { deeper: [true, { x: 'y' }] }, nothing: null },
    ]);
    expect(rows[6]!.time_dt).toBe('2026-11-30T08:15:06.000Z');
    expect(rows[6]!.finding.modified_time_dt).toBe('1969-12-31T23:59:59.999Z');
  });

  it('parses RFC 3339 strictly', () => {
    expect(rfc3339ToEpochMillis('2026-11-30T08:15:00Z')).toBe(Date.UTC(2026, 10, 30, 8, 15));
    expect(rfc3339ToEpochMillis('2026-11-30T08:15:00.1Z')).toBe(Date.UTC(2026, 10, 30, 8, 15, 0, 100));
    expect(rfc3339ToEpochMillis('2026-11-30T08:15:00.123000Z')).toBe(Date.UTC(2026, 10, 30, 8, 15, 0, 123));
    expect(rfc3339ToEpochMillis('2026-11-30T00:15:00-05:30')).toBe(Date.UTC(2026, 10, 30, 5, 45));
    expect(rfc3339ToEpochMillis('0050-03-01T00:00:00Z')).toBe(Date.parse('0050-03-01T00:00:00Z'));
    expect(rfc3339ToEpochMillis('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
    expect(() => rfc3339ToEpochMillis('2026-11-30T08:15:00')).toThrow(/with a zone/);
    expect(() => rfc3339ToEpochMillis('2026-11-30T08:15:00.1234Z')).toThrow(/sub-millisecond/);
    expect(() => rfc3339ToEpochMillis('2026-02-30T08:15:00Z')).toThrow(/not a valid date-time/);
    expect(() => rfc3339ToEpochMillis('2026-11-30 08:15:00Z')).toThrow(/RFC 3339/);
  });
});

describe('FindingParquetWriter: refused rows', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an attribute without a column', { finding: { uid: 'x', title: 't', age: 3 } }, 'finding.age', /no column for this attribute/],
    ['a top-level attribute without a column', { policy: { uid: 'p' } }, 'policy', /no column/],
    ['a string where an integer belongs', { severity_id: '4' }, 'severity_id', /expected an integer/],
    ['a fraction in an INT32', { severity_id: 4.5 }, 'severity_id', /expected an integer/],
    ['an INT32 out of range', { severity_id: 2 ** 31 }, 'severity_id', /int32 range/],
    ['a number where a string belongs', { message: 42 }, 'message', /expected a string/],
    ['a scalar where a list belongs', { resources: [{ labels: 'env:prod' }] }, 'resources[0].labels', /expected an array/],
    ['a list where an object belongs', { cloud: ['aws'] }, 'cloud', /expected an object/],
    ['a bad list element', { finding: { uid: 'x', title: 't', types: ['a', 3] } }, 'finding.types[1]', /expected a string/],
    ['a bad value deep in nested lists', { resources: [{}, { owner: { groups: [{ name: 'a' }, { name: 1 }] } }] }, 'resources[1].owner.groups[1].name', /expected a string/],
    ['an unknown attribute in a list element', { resources: [{ uid: 'r', account_uid: '1' }] }, 'resources[0].account_uid', /no column/],
    ['a bad date-time', { time_dt: 'yesterday' }, 'time_dt', /RFC 3339/],
    ['sub-millisecond precision', { time_dt: '2026-11-30T08:15:00.0001Z' }, 'time_dt', /sub-millisecond/],
    ['a non-string unmapped value', { unmapped: { age: 3 } }, 'unmapped.age', /map values must be strings/],
    ['another OCSF class', { class_uid: 2004 }, 'class_uid', /holds OCSF class 2001/],
    ['no class at all', { class_uid: undefined }, 'class_uid', /holds OCSF class 2001/],
    ['a value larger than a page', { message: 'x'.repeat(MAX_PAGE_BYTES) }, 'message', /do not fit in a 1000000-byte data page/],
  ];

  it.each(cases)('refuses %s, with its path', async (_what, overrides, path, reason) => {
    const writer = await FindingParquetWriter.open(new Writable({ write: (_chunk, _encoding, done) => done() }));
    const error = await writer.appendRow(handRow(1, overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingRowError);
    expect((error as FindingRowError).path).toBe(path);
    expect((error as FindingRowError).reason).toMatch(reason);
    await writer.close();
  });

  it('stays usable after a refused row, and the file holds only the good rows', async () => {
    const file = dir.file('refused.parquet');
    const { createWriteStream } = await import('node:fs');
    const writer = await FindingParquetWriter.open(createWriteStream(file));
    await writer.appendRow(handRow(0));
    // The bad value sits deep in the row, after columns that were already shredded.
    await expect(writer.appendRow(handRow(1, { unmapped: { ok: 'fine', bad: 7 } }))).rejects.toThrow(FindingRowError);
    await writer.appendRow(handRow(2));
    await writer.close();
    expect(writer.rowCount).toBe(2);
    const rows = readWithPyarrow(file).rows!.map((row) => canonicalPyarrowRow(row, schema));
    expect(rows).toEqual([handRow(0), handRow(2)].map((row) => canonicalInputRow(row, schema)));
  });
});

describe('FindingParquetWriter: Security Lake limits', () => {
  it('uses zstd for every column chunk, with v1 data pages and correct sizes in the metadata', async () => {
    const file = dir.file('zstd.parquet');
    await writeFindingFile(file, edgeCaseRows());
    const report = readWithPyarrow(file, { rows: false });
    for (const rowGroup of report.metadata.row_groups) {
      for (const column of rowGroup.columns) {
        expect({ path: column.path, compression: column.compression }).toEqual({ path: column.path, compression: 'ZSTD' });
      }
    }
    for (const page of report.pages) expect(['DATA_PAGE', 'DICTIONARY_PAGE']).toContain(page.page_type);
    // total_uncompressed_size must be the real one (headers + uncompressed pages), not the compressed size.
    const chunk = report.metadata.row_groups[0]!.columns.find((c) => c.path === 'message')!;
    const pages = report.pages.filter((p) => p.column === 'message' && p.row_group === 0);
    expect(chunk.total_uncompressed_size).toBeGreaterThanOrEqual(pages.reduce((sum, p) => sum + p.uncompressed_page_size, 0));
    expect(report.metadata.key_value).toMatchObject({ 'ocsf.class_uid': '2001', 'ocsf.version': '1.1.0' });
    const duck = await readWithDuckDb(file);
    expect(new Set(duck.chunks.map((c) => c.compression))).toEqual(new Set(['ZSTD']));
  });

  it('splits data pages at 1 MB uncompressed and keeps dictionary pages under it too', async () => {
    // ~12 KB of unique text per row in `message`, a dictionary that overflows in `finding.title`.
    const rows = Array.from({ length: 400 }, (_, i) =>
      handRow(i, {
        message: `${i}:`.padEnd(12_000, 'abcdefghij'.charAt(i % 10)),
        // 20 titles repeat over the first 200 rows (dictionary pays), then every title is new.
        finding: { uid: `f${i}`, title: `title-${i < 200 ? i % 20 : i}-`.padEnd(9_000, 'x') },
      }),
    );
    const file = dir.file('pages.parquet');
    await writeFindingFile(file, rows);
    const report = readWithPyarrow(file);
    const largest = Math.max(...report.pages.map((p) => p.uncompressed_page_size));
    expect(largest).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect(largest).toBeGreaterThan(MAX_PAGE_BYTES / 2); // pages are filled, not tiny
    expect(report.pages.filter((p) => p.column === 'message').length).toBeGreaterThanOrEqual(5);
    // finding.title: dictionary for the first pages, then PLAIN once the dictionary would pass 1 MB.
    const title = report.metadata.row_groups[0]!.columns.find((c) => c.path === 'finding.title')!;
    expect(title.has_dictionary_page).toBe(true);
    expect(title.encodings).toEqual(expect.arrayContaining(['PLAIN_DICTIONARY', 'PLAIN']));
    expect(report.rows!.map((row) => canonicalPyarrowRow(row, schema))).toEqual(rows.map((row) => canonicalInputRow(row, schema)));
    const duck = await readWithDuckDb(file);
    expect(duck.rows.map((row) => canonicalDuckDbRow(row, schema))).toEqual(rows.map((row) => canonicalInputRow(row, schema)));
  });

  it('encodes dictionary indices wider than a byte, in runs and in bit-packed groups', async () => {
    // 600 distinct messages (10-bit indices): runs of 10 equal values, then a stretch of all-different ones.
    const rows = Array.from({ length: 4000 }, (_, i) => handRow(i, { message: i < 3000 ? `m${Math.floor(i / 10)}` : `m${(i * 7) % 600}` }));
    const file = dir.file('wide-dictionary.parquet');
    await writeFindingFile(file, rows);
    const report = readWithPyarrow(file);
    const message = report.metadata.row_groups[0]!.columns.find((c) => c.path === 'message')!;
    expect(message.has_dictionary_page).toBe(true);
    expect((report.rows as Array<{ message: string }>).map((row) => row.message)).toEqual(rows.map((row) => row.message));
    const duck = await readWithDuckDb(file);
    expect(duck.rows.map((row) => row.message)).toEqual(rows.map((row) => row.message));
  });

  it('bounds row groups by rows and by compressed bytes', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => handRow(i, { message: `message ${i} `.repeat(40) + Math.random().toString(36) }));
    const byRows = dir.file('rg-rows.parquet');
    await writeFindingFile(byRows, rows, { rowGroupRows: 300 });
    expect(readWithPyarrow(byRows, { rows: false }).metadata.row_groups.map((g) => g.num_rows)).toEqual([300, 300, 300, 100]);

    const byBytes = dir.file('rg-bytes.parquet');
    const limit = 64 * 1024;
    await writeFindingFile(byBytes, rows, { rowGroupBytes: limit });
    const groups = readWithPyarrow(byBytes, { rows: false }).metadata.row_groups;
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) expect(group.total_compressed_size).toBeLessThanOrEqual(limit);
    expect(groups.reduce((sum, g) => sum + g.num_rows, 0)).toBe(1000);
  });

  it('declares `time` as the sorting column only when rows come in time order', async () => {
    const sorted = dir.file('sorted.parquet');
    const sortedWriter = await writeFindingFile(sorted, [0, 1, 1, 2].map((i) => handRow(i)));
    expect(sortedWriter.sortedByTime).toBe(true);
    const timeIndex = schema.leaves.find((leaf) => leaf.path.join('.') === 'time')!.index;
    expect(readWithPyarrow(sorted, { rows: false }).metadata.row_groups[0]!.sorting_columns).toEqual([
      { column_index: timeIndex, descending: false, nulls_first: false },
    ]);

    const unsorted = dir.file('unsorted.parquet');
    const unsortedWriter = await writeFindingFile(unsorted, [2, 0, 1].map((i) => handRow(i)));
    expect(unsortedWriter.sortedByTime).toBe(false);
    expect(readWithPyarrow(unsorted, { rows: false }).metadata.row_groups[0]!.sorting_columns).toEqual([]);
  });

  it('honours backpressure and ends the output on close', async () => {
    const chunks: Buffer[] = [];
    let finished = false;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        setTimeout(done, 1);
      },
      final(done) {
        finished = true;
        done();
      },
    });
    const writer = await FindingParquetWriter.open(slow, { rowGroupRows: 50 });
    for (let i = 0; i < 200; i++) await writer.appendRow(handRow(i));
    expect(writer.bytesWritten).toBeGreaterThan(4); // three row groups already out
    await writer.close();
    expect(finished).toBe(true);
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(writer.bytesWritten);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
    await expect(writer.appendRow(handRow(0))).rejects.toThrow(/closed/);
  });

  it('fails instead of hanging when the output is destroyed while it waits for drain', async () => {
    const stalled = new Writable({ highWaterMark: 16, write: () => undefined }); // takes the header, then never calls back
    const writer = await FindingParquetWriter.open(stalled, { rowGroupRows: 1 });
    const pending = writer.appendRow(handRow(0));
    setTimeout(() => stalled.destroy(new Error('upload aborted')), 20);
    await expect(pending).rejects.toThrow(/upload aborted/);
    await expect(writer.close()).rejects.toThrow(/upload aborted/);
  });

  it('writes a readable file with no rows', async () => {
    const file = dir.file('empty.parquet');
    await writeFindingFile(file, []);
    const report = readWithPyarrow(file);
    expect(report.metadata.num_rows).toBe(0);
    expect(report.arrow_schema.time_dt).toBe('timestamp[ms, tz=UTC]');
    expect((await readWithDuckDb(file)).rows).toEqual([]);
  });

  it('rejects options beyond the limits', async () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await expect(FindingParquetWriter.open(sink, { pageBytes: 2_000_000 })).rejects.toThrow(/pageBytes/);
    await expect(FindingParquetWriter.open(sink, { rowGroupBytes: 512 * 1024 * 1024 })).rejects.toThrow(/rowGroupBytes/);
    await expect(FindingParquetWriter.open(sink, { rowGroupRows: 0 })).rejects.toThrow(/rowGroupRows/);
  });
});
