/**
 * A growable byte buffer with the little-endian and varint writes Parquet
 * needs (PLAIN values, RLE/bit-packed levels, Thrift compact protocol).
 */
export class ByteSink {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A string as UTF-8, without length prefix; returns the byte count. */
  utf8(text: string): number {
    // Buffer.write never needs more than 3 bytes per UTF-16 code unit.
    this.ensure(text.length * 3);
    const written = this.buf.write(text, this.pos, 'utf8');
    this.pos += written;
    return written;
  }

  int32LE(value: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(value, this.pos);
    this.pos += 4;
  }

  uint32LE(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }

  /** Writes a 64-bit signed integer given as a safe-integer number or a bigint. */
  int64LE(value: number | bigint): void {
    this.ensure(8);
    if (typeof value === 'bigint') {
      this.buf.writeBigInt64LE(value, this.pos);
    } else {
      const high = Math.floor(value / 4294967296);
      const low = value - high * 4294967296;
      this.buf.writeUInt32LE(low, this.pos);
      this.buf.writeInt32LE(high, this.pos + 4);
    }
    this.pos += 8;
  }

  /** Writes `value` at an earlier position (e.g. a length prefix once the length is known). */
  patchUint32LE(position: number, value: number): void {
    this.buf.writeUInt32LE(value, position);
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  uvarint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** Unsigned LEB128 of a non-negative bigint. */
  uvarintBig(value: bigint): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
