/**
 * The part of the Thrift compact protocol that Parquet's footer and page
 * headers need (writing only): structs, i8/i32/i64, bool, binary and lists.
 * See the Thrift compact protocol spec; Parquet's structures are in
 * parquetFormat.ts.
 */
import { ByteSink } from './byteSink';

export const CompactType = {
  BOOLEAN_TRUE: 1,
  BOOLEAN_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;
export type CompactType = (typeof CompactType)[keyof typeof CompactType];

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function zigzag64(value: number): number {
  if (!Number.isSafeInteger(value) || Math.abs(value) > 2 ** 51) throw new RangeError(`i64 out of the range this writer supports: ${value}`);
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export class CompactWriter {
  private lastFieldId = 0;
  private readonly stack: number[] = [];

  constructor(readonly sink: ByteSink = new ByteSink()) {}

  /** Writes a whole struct: `body` writes its fields. */
  struct(body: () => void): void {
    this.stack.push(this.lastFieldId);
    this.lastFieldId = 0;
    body();
    this.sink.byte(0); // STOP
    this.lastFieldId = this.stack.pop()!;
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastFieldId;
    if (delta > 0 && delta <= 15) {
      this.sink.byte((delta << 4) | type);
    } else {
      this.sink.byte(type);
      this.sink.uvarint(zigzag32(id));
    }
    this.lastFieldId = id;
  }

  i8(id: number, value: number): void {
    this.fieldHeader(id, CompactType.BYTE);
    this.sink.byte(value);
  }

  i16(id: number, value: number): void {
    this.fieldHeader(id, CompactType.I16);
    this.sink.uvarint(zigzag32(value));
  }

  i32(id: number, value: number): void {
    this.fieldHeader(id, CompactType.I32);
    this.sink.uvarint(zigzag32(value));
  }

  i64(id: number, value: number): void {
    this.fieldHeader(id, CompactType.I64);
    this.sink.uvarint(zigzag64(value));
  }

  bool(id: number, value: boolean): void {
    this.fieldHeader(id, value ? CompactType.BOOLEAN_TRUE : CompactType.BOOLEAN_FALSE);
  }

  binary(id: number, value: Uint8Array | string): void {
    this.fieldHeader(id, CompactType.BINARY);
    this.rawBinary(value);
  }

  structField(id: number, body: () => void): void {
    this.fieldHeader(id, CompactType.STRUCT);
    this.struct(body);
  }

  /** A list field; `writeElement` writes one element with the raw* / struct methods. */
  list<T>(id: number, elementType: CompactType, items: readonly T[], writeElement: (item: T) => void): void {
    this.fieldHeader(id, CompactType.LIST);
    if (items.length < 15) {
      this.sink.byte((items.length << 4) | elementType);
    } else {
      this.sink.byte(0xf0 | elementType);
      this.sink.uvarint(items.length);
    }
    for (const item of items) writeElement(item);
  }

  rawI32(value: number): void {
    this.sink.uvarint(zigzag32(value));
  }

  rawBinary(value: Uint8Array | string): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.sink.uvarint(bytes.length);
    this.sink.bytes(bytes);
  }
}
