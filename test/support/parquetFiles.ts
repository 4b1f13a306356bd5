/** Temp files for the Parquet tests: write rows with FindingParquetWriter, clean up afterwards. */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FindingParquetWriterOptions, FindingRow } from '../../src/parquet/findingParquetWriter';
import { FindingParquetWriter } from '../../src/parquet/findingParquetWriter';

export class TempDir {
  readonly path = mkdtempSync(path.join(os.tmpdir(), 'sle-parquet-'));

  file(name: string): string {
    return path.join(this.path, name);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Writes `rows` into `file`; returns the closed writer (for rowCount, bytesWritten, sortedByTime). */
export async function writeFindingFile(file: string, rows: Iterable<FindingRow>, options?: FindingParquetWriterOptions): Promise<FindingParquetWriter> {
  const writer = await FindingParquetWriter.open(createWriteStream(file), options);
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return writer;
}
