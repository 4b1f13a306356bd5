/**
 * The Parquet format structures this writer emits (parquet-format's
 * parquet.thrift), serialized with the Thrift compact protocol. Field ids
 * are those of parquet.thrift; only the fields we set are modelled.
 */
import { ByteSink } from './byteSink';
import { CompactType, CompactWriter } from './thriftCompact';

export const ParquetType = { INT32: 1, INT64: 2, BYTE_ARRAY: 6 } as const;
export const Repetition = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
export const ConvertedType = { UTF8: 0, MAP: 1, LIST: 3, TIMESTAMP_MILLIS: 9 } as const;
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
export const Codec = { UNCOMPRESSED: 0, ZSTD: 6 } as const;
export const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

export type LogicalTypeSpec = { kind: 'STRING' } | { kind: 'MAP' } | { kind: 'LIST' } | { kind: 'TIMESTAMP'; unit: 'MILLIS'; isAdjustedToUTC: boolean };

export interface SchemaElementSpec {
  name: string;
  type?: number;
  repetition?: number;
  numChildren?: number;
  convertedType?: number;
  logicalType?: LogicalTypeSpec;
}

export interface StatisticsSpec {
  nullCount: number;
  /** PLAIN-encoded min/max (for BYTE_ARRAY: the bytes without length prefix). */
  minValue?: Uint8Array;
  maxValue?: Uint8Array;
}

export interface ColumnMetaDataSpec {
  type: number;
  encodings: number[];
  pathInSchema: readonly string[];
  codec: number;
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  statistics?: StatisticsSpec;
  encodingStats: Array<{ pageType: number; encoding: number; count: number }>;
}

export interface ColumnChunkSpec {
  fileOffset: number;
  metaData: ColumnMetaDataSpec;
}

export interface RowGroupSpec {
  columns: ColumnChunkSpec[];
  totalByteSize: number;
  numRows: number;
  sortingColumns?: Array<{ columnIdx: number; descending: boolean; nullsFirst: boolean }>;
  fileOffset: number;
  totalCompressedSize: number;
  ordinal: number;
}

export interface FileMetaDataSpec {
  version: number;
  schema: SchemaElementSpec[];
  numRows: number;
  rowGroups: RowGroupSpec[];
  keyValueMetadata: Array<{ key: string; value: string }>;
  createdBy: string;
  /** One TypeDefinedOrder per leaf column: min_value/max_value follow the type's order. */
  leafCount: number;
}

export interface DataPageHeaderSpec {
  kind: 'data';
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
  encoding: number;
}

export interface DictionaryPageHeaderSpec {
  kind: 'dictionary';
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
}

const emptyStruct = (): void => {};

/** Serializes a page header (Thrift compact) into `out`. */
export function writePageHeader(out: ByteSink, header: DataPageHeaderSpec | DictionaryPageHeaderSpec): void {
  const w = new CompactWriter(out);
  w.struct(() => {
    w.i32(1, header.kind === 'data' ? PageType.DATA_PAGE : PageType.DICTIONARY_PAGE);
    w.i32(2, header.uncompressedSize);
    w.i32(3, header.compressedSize);
    if (header.kind === 'data') {
      w.structField(5, () => {
        w.i32(1, header.numValues);
        w.i32(2, header.encoding);
        w.i32(3, Encoding.RLE); // definition levels
        w.i32(4, Encoding.RLE); // repetition levels
      });
    } else {
      w.structField(7, () => {
        w.i32(1, header.numValues);
        w.i32(2, Encoding.PLAIN_DICTIONARY);
      });
    }
  });
}

/** Serializes FileMetaData (Thrift compact). */
export function serializeFileMetaData(meta: FileMetaDataSpec): Buffer {
  const w = new CompactWriter(new ByteSink(64 * 1024));
  w.struct(() => {
    w.i32(1, meta.version);
    w.list(2, CompactType.STRUCT, meta.schema, (el) =>
      w.struct(() => {
        if (el.type !== undefined) w.i32(1, el.type);
        if (el.repetition !== undefined) w.i32(3, el.repetition);
        w.binary(4, el.name);
        if (el.numChildren !== undefined) w.i32(5, el.numChildren);
        if (el.convertedType !== undefined) w.i32(6, el.convertedType);
        if (el.logicalType !== undefined) {
          const logical = el.logicalType;
          // field 10 (logicalType): a struct header then the union
          w.structField(10, () => writeLogicalTypeBody(w, logical));
        }
      }),
    );
    w.i64(3, meta.numRows);
    w.list(4, CompactType.STRUCT, meta.rowGroups, (rg) =>
      w.struct(() => {
        w.list(1, CompactType.STRUCT, rg.columns, (cc) =>
          w.struct(() => {
            w.i64(2, cc.fileOffset);
            w.structField(3, () => writeColumnMetaDataBody(w, cc.metaData));
          }),
        );
        w.i64(2, rg.totalByteSize);
        w.i64(3, rg.numRows);
        if (rg.sortingColumns && rg.sortingColumns.length > 0) {
          w.list(4, CompactType.STRUCT, rg.sortingColumns, (sc) =>
            w.struct(() => {
              w.i32(1, sc.columnIdx);
              w.bool(2, sc.descending);
              w.bool(3, sc.nullsFirst);
            }),
          );
        }
        w.i64(5, rg.fileOffset);
        w.i64(6, rg.totalCompressedSize);
        w.i16(7, rg.ordinal);
      }),
    );
    if (meta.keyValueMetadata.length > 0) {
      w.list(5, CompactType.STRUCT, meta.keyValueMetadata, (kv) =>
        w.struct(() => {
          w.binary(1, kv.key);
          w.binary(2, kv.value);
        }),
      );
    }
    w.binary(6, meta.createdBy);
    const orders = new Array<number>(meta.leafCount).fill(0);
    w.list(7, CompactType.STRUCT, orders, () => w.struct(() => w.structField(1, emptyStruct)));
  });
  return w.sink.toBuffer();
}

// structField() opens and closes the nested struct, so these helpers write
// only the fields.
function writeLogicalTypeBody(w: CompactWriter, logical: LogicalTypeSpec): void {
  switch (logical.kind) {
    case 'STRING':
      w.structField(1, emptyStruct);
      return;
    case 'MAP':
      w.structField(2, emptyStruct);
      return;
    case 'LIST':
      w.structField(3, emptyStruct);
      return;
    case 'TIMESTAMP':
      w.structField(8, () => {
        w.bool(1, logical.isAdjustedToUTC);
        w.structField(2, () => w.structField(1, emptyStruct)); // TimeUnit { MILLIS }
      });
      return;
  }
}

function writeColumnMetaDataBody(w: CompactWriter, meta: ColumnMetaDataSpec): void {
  w.i32(1, meta.type);
  w.list(2, CompactType.I32, meta.encodings, (e) => w.rawI32(e));
  w.list(3, CompactType.BINARY, meta.pathInSchema, (p) => w.rawBinary(p));
  w.i32(4, meta.codec);
  w.i64(5, meta.numValues);
  w.i64(6, meta.totalUncompressedSize);
  w.i64(7, meta.totalCompressedSize);
  w.i64(9, meta.dataPageOffset);
  if (meta.dictionaryPageOffset !== undefined) w.i64(11, meta.dictionaryPageOffset);
  if (meta.statistics) {
    const stats = meta.statistics;
    w.structField(12, () => {
      w.i64(3, stats.nullCount);
      if (stats.maxValue !== undefined) w.binary(5, stats.maxValue);
      if (stats.minValue !== undefined) w.binary(6, stats.minValue);
      if (stats.maxValue !== undefined) w.bool(7, true); // is_max_value_exact
      if (stats.minValue !== undefined) w.bool(8, true); // is_min_value_exact
    });
  }
  w.list(13, CompactType.STRUCT, meta.encodingStats, (s) =>
    w.struct(() => {
      w.i32(1, s.pageType);
      w.i32(2, s.encoding);
      w.i32(3, s.count);
    }),
  );
}
