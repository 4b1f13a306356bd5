import { EMITTED_ATTRIBUTE_PATHS } from '../../src/domain/ocsf/emittedAttributes';
import { securityFindingSchema } from '../../src/domain/ocsf/schema';
import { deriveFindingParquetSchema, findingParquetSchema, renderParquetSchema } from '../../src/parquet/findingParquetSchema';

describe('Parquet schema derived from the OCSF class', () => {
  const schema = findingParquetSchema();
  const leafByPath = new Map(schema.leaves.map((leaf) => [leaf.path.join('.'), leaf]));

  it('has a column for every emitted attribute path, and no other', () => {
    const covered = new Set(schema.leaves.map((leaf) => leaf.ocsfPath));
    expect([...covered].sort()).toEqual([...EMITTED_ATTRIBUTE_PATHS].sort());
  });

  it('types columns by their OCSF type', () => {
    const expectations: Array<[string, string, string]> = [
      ['time', 'INT64', 'epochMillis'],
      ['time_dt', 'INT64', 'timestampMillisUtc'],
      ['type_uid', 'INT64', 'int64'],
      ['severity_id', 'INT32', 'int32'],
      ['class_uid', 'INT32', 'int32'],
      ['finding.created_time', 'INT64', 'epochMillis'],
      ['finding.modified_time_dt', 'INT64', 'timestampMillisUtc'],
      ['message', 'BYTE_ARRAY', 'string'],
      ['resources.list.element.data', 'BYTE_ARRAY', 'json'],
      ['resources.list.element.owner.email_addr', 'BYTE_ARRAY', 'string'],
      ['resources.list.element.owner.type_id', 'INT32', 'int32'],
      ['unmapped.key_value.key', 'BYTE_ARRAY', 'string'],
      ['unmapped.key_value.value', 'BYTE_ARRAY', 'string'],
    ];
    for (const [path, physical, leaf] of expectations) {
      expect({ path, physical: leafByPath.get(path)?.physicalType, leaf: leafByPath.get(path)?.leaf }).toEqual({ path, physical, leaf });
    }
  });

  it('uses standard 3-level lists and the map layout, with the Dremel levels they imply', () => {
    expect(leafByPath.get('finding.types.list.element')).toMatchObject({ maxDefinitionLevel: 4, maxRepetitionLevel: 1 });
    expect(leafByPath.get('resources.list.element.labels.list.element')).toMatchObject({ maxDefinitionLevel: 6, maxRepetitionLevel: 2 });
    expect(leafByPath.get('resources.list.element.owner.groups.list.element.name')).toMatchObject({ maxDefinitionLevel: 8, maxRepetitionLevel: 2 });
    expect(leafByPath.get('unmapped.key_value.key')).toMatchObject({ maxDefinitionLevel: 2, maxRepetitionLevel: 1, required: true });
    expect(leafByPath.get('unmapped.key_value.value')).toMatchObject({ maxDefinitionLevel: 3, maxRepetitionLevel: 1, required: false });
    expect(leafByPath.get('time')).toMatchObject({ maxDefinitionLevel: 1, maxRepetitionLevel: 0 });

    const text = renderParquetSchema(schema);
    expect(text).toContain(
      [
        '  optional group resources (LIST) {',
        '    repeated group list {',
        '      optional group element {',
        '        optional binary uid (STRING);',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '  optional group unmapped (MAP) {',
        '    repeated group key_value {',
        '      required binary key (STRING);',
        '      optional binary value (STRING);',
      ].join('\n'),
    );
    expect(text).toContain('  optional int64 time;');
    expect(text).toContain('  optional int64 time_dt (TIMESTAMP(MILLIS,true));');
    expect(text).toContain('  optional int32 severity_id;');
  });

  it('refuses emitted paths the OCSF class does not define, naming the path', () => {
    const derive = (paths: string[]) => () => deriveFindingParquetSchema(securityFindingSchema, paths);
    expect(derive(['time', 'no_such_attribute'])).toThrow(/no_such_attribute: class security_finding has no attribute/);
    expect(derive(['finding.no_such'])).toThrow(/finding\.no_such: object finding has no attribute no_such/);
    expect(derive(['finding.types'])).toThrow(/finding\.types: OCSF says types is an array/);
    expect(derive(['resources.uid'])).toThrow(/resources: OCSF says resources is an array/);
    expect(derive(['finding'])).toThrow(/finding is an object \(finding\); list the attributes/);
    expect(derive(['time.x'])).toThrow(/time is a scalar/);
    expect(derive(['unmapped.x'])).toThrow(/free-form object/);
  });

  it('derives from the vendored OCSF release', () => {
    expect(schema).toMatchObject({ ocsfVersion: '1.1.0', classUid: 2001 });
  });
});
