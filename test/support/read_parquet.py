#!/usr/bin/env python3
"""Reads a Parquet file with pyarrow, independently of our writer, and prints
one JSON document on stdout:

  arrow_schema    top-level field name -> Arrow type string (e.g. "timestamp[ms, tz=UTC]")
  parquet_schema  the Parquet schema as pyarrow prints it (logical types included)
  rows            the rows (timestamps as RFC 3339 UTC strings with milliseconds,
                  maps as [key, value] pairs in file order)
  metadata        file and row-group metadata (codec, sizes, statistics, sorting columns)
  pages           every page header of every column chunk, parsed from the file bytes
                  (pyarrow does not expose page headers): type, uncompressed and
                  compressed size, value count

Usage: read_parquet.py FILE [--no-rows]
"""
import datetime
import json
import struct
import sys

import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# --- Thrift compact protocol (reading), enough for PageHeader -------------------------------

class CompactReader:
    def __init__(self, data, pos):
        self.data = data
        self.pos = pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        shift = 0
        result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, ctype):
        if ctype == 1:
            return True
        if ctype == 2:
            return False
        if ctype == 3:
            b = self.byte()
            return b - 256 if b > 127 else b
        if ctype in (4, 5, 6):
            return self.zigzag()
        if ctype == 7:
            v = struct.unpack_from('<d', self.data, self.pos)[0]
            self.pos += 8
            return v
        if ctype == 8:
            n = self.varint()
            v = bytes(self.data[self.pos:self.pos + n])
            self.pos += n
            return v
        if ctype in (9, 10):
            header = self.byte()
            size = header >> 4
            etype = header & 0x0F
            if size == 15:
                size = self.varint()
            out = []
            for _ in range(size):
                if etype in (1, 2):  # booleans in lists are one byte each
                    out.append(self.byte() == 1)
                else:
                    out.append(self.value(etype))
            return out
        if ctype == 11:
            size = self.varint()
            if size == 0:
                return {}
            kv = self.byte()
            return {self.value(kv >> 4): self.value(kv & 0x0F) for _ in range(size)}
        if ctype == 12:
            return self.struct()
        raise ValueError('unknown compact type %d at %d' % (ctype, self.pos))

    def struct(self):
        fields = {}
        last = 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            ctype = header & 0x0F
            delta = header >> 4
            fid = last + delta if delta else self.zigzag()
            fields[fid] = self.value(ctype)
            last = fid


PAGE_TYPES = {0: 'DATA_PAGE', 1: 'INDEX_PAGE', 2: 'DICTIONARY_PAGE', 3: 'DATA_PAGE_V2'}


def page_headers(data, start, length):
    pages = []
    pos = start
    end = start + length
    while pos < end:
        reader = CompactReader(data, pos)
        header = reader.struct()
        page_type = PAGE_TYPES.get(header[1], str(header[1]))
        sub = header.get(5) or header.get(7) or header.get(8) or {}
        pages.append({
            'page_type': page_type,
            'uncompressed_page_size': header[2],
            'compressed_page_size': header[3],
            'num_values': sub.get(1),
            'encoding': sub.get(2),
        })
        pos = reader.pos + header[3]
    if pos != end:
        raise ValueError('pages end at %d, column chunk ends at %d' % (pos, end))
    return pages


# --- values -------------------------------------------------------------------------------------

def to_json_value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        ms = (value - EPOCH) // datetime.timedelta(milliseconds=1)
        whole = EPOCH + datetime.timedelta(milliseconds=ms)
        return whole.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (ms % 1000)
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if isinstance(value, bytes):
        return value.decode('utf-8')
    return value


def stat_value(v):
    return to_json_value(v) if v is not None else None


def main():
    path = sys.argv[1]
    with_rows = '--no-rows' not in sys.argv
    pf = pq.ParquetFile(path)
    md = pf.metadata
    with open(path, 'rb') as handle:
        data = handle.read()

    arrow_schema = {field.name: str(field.type) for field in pf.schema_arrow}
    row_groups = []
    pages = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        columns = []
        for c in range(rg.num_columns):
            col = rg.column(c)
            stats = col.statistics
            start = col.dictionary_page_offset if col.has_dictionary_page else col.data_page_offset
            for page in page_headers(data, start, col.total_compressed_size):
                page.update({'row_group': g, 'column': col.path_in_schema})
                pages.append(page)
            columns.append({
                'path': col.path_in_schema,
                'physical_type': col.physical_type,
                'compression': col.compression,
                'encodings': list(col.encodings),
                'num_values': col.num_values,
                'total_compressed_size': col.total_compressed_size,
                'total_uncompressed_size': col.total_uncompressed_size,
                'has_dictionary_page': col.has_dictionary_page,
                'statistics': None if stats is None else {
                    'null_count': stats.null_count if stats.has_null_count else None,
                    'has_min_max': stats.has_min_max,
                    'min': stat_value(stats.min) if stats.has_min_max else None,
                    'max': stat_value(stats.max) if stats.has_min_max else None,
                    'logical_type': str(stats.logical_type),
                },
            })
        sorting = [{'column_index': s.column_index, 'descending': s.descending, 'nulls_first': s.nulls_first}
                   for s in (rg.sorting_columns or [])]
        row_groups.append({
            'num_rows': rg.num_rows,
            'total_byte_size': rg.total_byte_size,
            'total_compressed_size': sum(c['total_compressed_size'] for c in columns),
            'sorting_columns': sorting,
            'columns': columns,
        })

    out = {
        'arrow_schema': arrow_schema,
        'arrow_schema_text': pf.schema_arrow.to_string(show_field_metadata=False, show_schema_metadata=False),
        'parquet_schema': str(pf.schema),
        'metadata': {
            'num_rows': md.num_rows,
            'num_row_groups': md.num_row_groups,
            'num_columns': md.num_columns,
            'created_by': md.created_by,
            'format_version': md.format_version,
            'key_value': {k.decode(): v.decode() for k, v in (md.metadata or {}).items()},
            'row_groups': row_groups,
        },
        'pages': pages,
    }
    if with_rows:
        out['rows'] = [to_json_value(r) for r in pf.read().to_pylist()]
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
