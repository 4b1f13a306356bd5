/**
 * Parquet encoder benchmark (`npm run bench`): the same realistic OCSF rows
 * (policy catalog → mapping, sorted by time) written by
 *
 *   sle-zstd          our FindingParquetWriter (src/parquet/): zstd, dictionary, 1 MB pages
 *   parquetjs-snappy  @dsnp/parquetjs, SNAPPY (its fastest built-in codec)
 *   parquetjs-zstd    @dsnp/parquetjs with zstd added to its compression table
 *   duckdb-zstd       DuckDB's writer (COPY … FORMAT parquet, COMPRESSION zstd) from NDJSON
 *
 * all in this process, one after another. Prints rows/s, input MB/s (rows as
 * JSON), output bytes, peak RSS and heap growth, and the ratio to each
 * baseline. When pyarrow is installed, also the codec, the largest
 * uncompressed page and the Arrow type of `time_dt` of each file. Figures
 * only: nothing is asserted.
 *
 * Options (environment): BENCH_ROWS (default 20000), BENCH_REPEAT (runs per
 * encoder, the fastest is reported; default 3), BENCH_ENCODERS
 * (comma-separated subset), BENCH_KEEP=1 to keep the files.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ParquetSchema, ParquetWriter } from '@dsnp/parquetjs';
import { PARQUET_COMPRESSION_METHODS } from '@dsnp/parquetjs/dist/lib/compression';
import { decompress } from '@bokuweb/zstd-wasm';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FindingParquetSchema, ParquetNode } from '../src/parquet/findingParquetSchema';
import { findingParquetSchema } from '../src/parquet/findingParquetSchema';
import { FindingParquetWriter } from '../src/parquet/findingParquetWriter';
import { initZstd, zstdCompress } from '../src/parquet/zstd';
import { randomFindingRows } from '../test/support/findingRows';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Row = Record<string, unknown>;

interface Encoder {
  name: string;
  run(rows: readonly Row[], file: string, tmp: string): Promise<void>;
}

// ---------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------

const ours: Encoder = {
  name: 'sle-zstd',
  async run(rows, file) {
    const writer = await FindingParquetWriter.open(createWriteStream(file));
    for (const row of rows) await writer.appendRow(row);
    await writer.close();
  },
};

/** @dsnp/parquetjs schema with the same 3-level LIST / MAP layout as ours. */
function parquetjsSchema(schema: FindingParquetSchema, compression: string): ParquetSchema {
  const field = (node: ParquetNode): Record<string, unknown> => {
    switch (node.kind) {
      case 'primitive': {
        const type = node.leaf === 'int32' ? 'INT32' : node.leaf === 'timestampMillisUtc' ? 'TIMESTAMP_MILLIS' : node.physicalType === 'INT64' ? 'INT64' : 'UTF8';
        return { type, optional: true, compression };
      }
      case 'struct':
        return { optional: true, fields: Object.fromEntries(node.children.map((c) => [c.name, field(c)])) };
      case 'list':
        return { type: 'LIST', optional: true, fields: { list: { repeated: true, fields: { element: field(node.element) } } } };
      case 'map':
        return {
          type: 'MAP',
          optional: true,
          fields: { key_value: { repeated: true, fields: { key: { type: 'UTF8', compression }, value: { type: 'UTF8', optional: true, compression } } } },
        };
    }
  };
  return new ParquetSchema(Object.fromEntries(schema.fields.map((f) => [f.name, field(f)])) as never);
}

/** A row in the shape parquetjs shreds: lists as {list: [{element}]}, maps as {key_value: [...]}, dt as Date. */
function parquetjsRow(fields: readonly ParquetNode[], value: Row): Row {
  const out: Row = {};
  for (const node of fields) {
    const v = value[node.name];
    if (v !== undefined && v !== null) out[node.name] = parquetjsValue(node, v);
  }
  return out;
}

function parquetjsValue(node: ParquetNode, value: unknown): unknown {
  switch (node.kind) {
    case 'primitive':
      if (node.leaf === 'json') return JSON.stringify(value);
      if (node.leaf === 'timestampMillisUtc') return new Date(value as string);
      return value;
    case 'struct':
      return parquetjsRow(node.children, value as Row);
    case 'list':
      return { list: (value as unknown[]).map((e) => (e === null || e === undefined ? {} : { element: parquetjsValue(node.element, e) })) };
    case 'map':
      return { key_value: Object.entries(value as Record<string, string>).map(([key, v]) => ({ key, value: v })) };
  }
}

function parquetjsEncoder(name: string, compression: string): Encoder {
  return {
    name,
    async run(rows, file) {
      const schema = findingParquetSchema();
      const writer = await ParquetWriter.openStream(parquetjsSchema(schema, compression), createWriteStream(file), { useDataPageV2: false });
      for (const row of rows) await writer.appendRow(parquetjsRow(schema.fields, row));
      await writer.close();
    },
  };
}

/** zstd through @dsnp/parquetjs's compression table (the route the issue suggests). */
function registerParquetjsZstd(): void {
  const table = PARQUET_COMPRESSION_METHODS as Record<string, { deflate: (b: Buffer) => Buffer; inflate: (b: Buffer) => Buffer }>;
  table.ZSTD ??= {
    deflate: (value) => zstdCompress(value),
    inflate: (value) => Buffer.from(decompress(value)),
  };
}

/** DuckDB SQL type of a node (timestamps as TIMESTAMPTZ: DuckDB then writes micros). */
function duckType(node: ParquetNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.leaf === 'int32' ? 'INTEGER' : node.leaf === 'timestampMillisUtc' ? 'TIMESTAMPTZ' : node.physicalType === 'INT64' ? 'BIGINT' : 'VARCHAR';
    case 'struct':
      return `STRUCT(${node.children.map((c) => `"${c.name}" ${duckType(c)}`).join(', ')})`;
    case 'list':
      return `${duckType(node.element)}[]`;
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
  }
}

/** json_t goes in as its JSON text, like in our files. */
function duckRow(fields: readonly ParquetNode[], value: Row): Row {
  const out: Row = {};
  for (const node of fields) {
    const v = value[node.name];
    if (v !== undefined && v !== null) out[node.name] = duckValue(node, v);
  }
  return out;
}

function duckValue(node: ParquetNode, value: unknown): unknown {
  switch (node.kind) {
    case 'primitive':
      return node.leaf === 'json' ? JSON.stringify(value) : value;
    case 'struct':
      return duckRow(node.children, value as Row);
    case 'list':
      return (value as unknown[]).map((e) => (e === null || e === undefined ? null : duckValue(node.element, e)));
    case 'map':
      return value;
  }
}

const duckdb: Encoder = {
  name: 'duckdb-zstd',
  async run(rows, file, tmp) {
    const schema = findingParquetSchema();
    const ndjson = path.join(tmp, 'rows.ndjson');
    writeFileSync(ndjson, rows.map((row) => JSON.stringify(duckRow(schema.fields, row))).join('\n'));
    const columns = `{${schema.fields.map((f) => `'${f.name}': '${duckType(f).replace(/'/g, "''")}'`).join(', ')}}`;
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(
        `COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited', columns = ${columns})) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  },
};

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

interface Result {
  name: string;
  seconds: number;
  bytes: number;
  peakRssDelta: number;
  peakHeapDelta: number;
  file: string;
}

async function measure(encoder: Encoder, rows: readonly Row[], tmp: string): Promise<Result> {
  const file = path.join(tmp, `${encoder.name}.parquet`);
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  const start = performance.now();
  await encoder.run(rows, file, tmp);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  return { name: encoder.name, seconds, bytes: statSync(file).size, peakRssDelta: peakRss - before.rss, peakHeapDelta: peakHeap - before.heapUsed, file };
}

/** Codec, largest uncompressed page and time_dt type as pyarrow sees them (when pyarrow is installed). */
function inspect(file: string): string {
  const script = path.join(__dirname, '..', 'test', 'support', 'read_parquet.py');
  const result = spawnSync(process.env.PYTHON ?? 'python3', [script, file, '--no-rows'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) return '(pyarrow not available)';
  const report = JSON.parse(result.stdout) as {
    arrow_schema: Record<string, string>;
    metadata: { num_row_groups: number; row_groups: Array<{ columns: Array<{ compression: string }> }> };
    pages: Array<{ uncompressed_page_size: number }>;
  };
  const codecs = [...new Set(report.metadata.row_groups.flatMap((g) => g.columns.map((c) => c.compression)))].join('/');
  const largestPage = Math.max(0, ...report.pages.map((p) => p.uncompressed_page_size));
  return `codec ${codecs}, ${report.metadata.num_row_groups} row group(s), largest page ${(largestPage / 1e6).toFixed(2)} MB uncompressed, time_dt ${report.arrow_schema.time_dt}`;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_ROWS ?? 20000);
  await initZstd();
  registerParquetjsZstd();
  const all = [ours, parquetjsEncoder('parquetjs-snappy', 'SNAPPY'), parquetjsEncoder('parquetjs-zstd', 'ZSTD'), duckdb];
  const wanted = process.env.BENCH_ENCODERS?.split(',').map((s) => s.trim());
  const encoders = wanted ? all.filter((e) => wanted.includes(e.name)) : all;

  console.log(`Generating ${count} rows (policy catalog → OCSF mapping, sorted by time)…`);
  const rows = randomFindingRows(count) as unknown as Row[];
  const inputBytes = rows.reduce((sum, row) => sum + Buffer.byteLength(JSON.stringify(row)), 0);
  console.log(`input: ${count} rows, ${mb(inputBytes)} as JSON (${Math.round(inputBytes / count)} B/row); node ${process.version}, ${os.cpus().length} CPUs`);
  console.log('(fastest of BENCH_REPEAT runs; peak RSS / heap: largest growth over the start of a run)\n');

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sle-bench-'));
  const results: Result[] = [];
  try {
    // Warm-up (JIT, wasm, DuckDB extension load) on a small slice, not measured.
    for (const encoder of encoders) await encoder.run(rows.slice(0, Math.min(500, rows.length)), path.join(tmp, `warmup-${encoder.name}.parquet`), tmp);
    const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
    for (const encoder of encoders) {
      let result = await measure(encoder, rows, tmp);
      for (let i = 1; i < repeat; i++) {
        const again = await measure(encoder, rows, tmp);
        // fastest time; memory peaks are the largest seen
        result = {
          ...again,
          seconds: Math.min(result.seconds, again.seconds),
          peakRssDelta: Math.max(result.peakRssDelta, again.peakRssDelta),
          peakHeapDelta: Math.max(result.peakHeapDelta, again.peakHeapDelta),
        };
      }
      results.push(result);
      console.log(
        `${result.name.padEnd(17)} ${(count / result.seconds).toFixed(0).padStart(8)} rows/s  ${(inputBytes / 1e6 / result.seconds).toFixed(2).padStart(7)} MB/s in  ` +
          `${result.seconds.toFixed(2).padStart(6)} s  out ${mb(result.bytes).padStart(9)}  peak RSS +${mb(result.peakRssDelta)}  heap +${mb(result.peakHeapDelta)}`,
      );
    }
    const base = results.find((r) => r.name === ours.name);
    if (base) {
      console.log(`\nratios (${ours.name} vs baseline: speed ×, output size ×):`);
      for (const other of results) {
        if (other === base) continue;
        console.log(`  vs ${other.name.padEnd(17)} speed ${(other.seconds / base.seconds).toFixed(2)}×  size ${(base.bytes / other.bytes).toFixed(2)}×`);
      }
    }
    console.log('\nfiles as pyarrow reads them:');
    for (const result of results) console.log(`  ${result.name.padEnd(17)} ${inspect(result.file)}`);
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`\nfiles kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
