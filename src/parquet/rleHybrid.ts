/**
 * Parquet's RLE / bit-packing hybrid encoding, used for repetition and
 * definition levels and for dictionary indices:
 *
 *   run := rle-run | bit-packed-run
 *   rle-run := varint(count << 1) value(ceil(bitWidth / 8) bytes, little endian)
 *   bit-packed-run := varint(groups << 1 | 1) then groups × 8 values, bitWidth bits each, LSB first
 *
 * Runs of 8 or more equal values become RLE runs; everything else is bit
 * packed in groups of 8 (the last group padded with zeros: the reader knows
 * the value count from the page header).
 */
import { ByteSink } from './byteSink';

/** Bits needed to store values 0..maxValue. */
export function bitWidthOf(maxValue: number): number {
  let width = 0;
  while (maxValue >= 2 ** width) width++;
  return width;
}

const MIN_RLE_RUN = 8;

/** Appends the hybrid encoding of values[start, end) to `out` (no length prefix). */
export function encodeRleHybrid(out: ByteSink, values: ArrayLike<number>, start: number, end: number, bitWidth: number): void {
  if (bitWidth === 0 || end <= start) return;
  const valueBytes = Math.ceil(bitWidth / 8);
  const literal: number[] = [];

  const flushLiteral = (): void => {
    if (literal.length === 0) return;
    while (literal.length % 8 !== 0) literal.push(0);
    const groups = literal.length / 8;
    out.uvarint(groups * 2 + 1);
    let acc = 0; // bit accumulator (bitWidth <= 32: use two halves to stay exact)
    let accBits = 0;
    for (const value of literal) {
      // Append `bitWidth` bits of value, emitting whole bytes as they fill.
      let remaining = bitWidth;
      let v = value;
      while (remaining > 0) {
        const take = Math.min(remaining, 8 - accBits);
        acc |= (v & ((1 << take) - 1)) << accBits;
        accBits += take;
        v = Math.floor(v / 2 ** take);
        remaining -= take;
        if (accBits === 8) {
          out.byte(acc);
          acc = 0;
          accBits = 0;
        }
      }
    }
    // groups of 8 values × bitWidth bits always end on a byte boundary
    literal.length = 0;
  };

  const writeRun = (value: number, count: number): void => {
    out.uvarint(count * 2);
    let v = value;
    for (let b = 0; b < valueBytes; b++) {
      out.byte(v & 0xff);
      v = Math.floor(v / 256);
    }
  };

  let i = start;
  while (i < end) {
    const value = values[i]!;
    let j = i + 1;
    while (j < end && values[j] === value) j++;
    let runLength = j - i;
    if (runLength >= MIN_RLE_RUN) {
      // Complete the pending literal group with values of this run first.
      const pad = literal.length % 8 === 0 ? 0 : 8 - (literal.length % 8);
      if (pad > 0) {
        for (let k = 0; k < pad; k++) literal.push(value);
        runLength -= pad;
      }
      if (runLength >= MIN_RLE_RUN) {
        flushLiteral();
        writeRun(value, runLength);
      } else {
        for (let k = 0; k < runLength; k++) literal.push(value);
      }
    } else {
      for (let k = 0; k < runLength; k++) literal.push(value);
    }
    i = j;
  }
  flushLiteral();
}

/** Levels of a v1 data page: a 4-byte little-endian length, then the hybrid encoding. */
export function encodeLevelsV1(out: ByteSink, levels: ArrayLike<number>, start: number, end: number, maxLevel: number): void {
  const lengthAt = out.length;
  out.uint32LE(0);
  encodeRleHybrid(out, levels, start, end, bitWidthOf(maxLevel));
  out.patchUint32LE(lengthAt, out.length - lengthAt - 4);
}
