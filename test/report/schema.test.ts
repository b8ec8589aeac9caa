import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { makeLayer, makeMatrix, makeModel } from '../reference/ir-fixtures.js';
import { richModel } from './report-models.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/footprint-report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema);

describe('footprint JSON schema', () => {
  const report = buildFootprint(richModel());

  it('the rich report exercises warnings, gains and the readout', () => {
    expect(report.warnings.map((d) => d.code)).toContain('PB802');
    expect(report.model.singleGlobalScale).toBe(false);
    expect(report.readout).not.toBeNull();
  });

  it('buildFootprint output survives JSON and validates against schema/footprint-report.schema.json', () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json).toEqual(report);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a minimal report (no readout, no metadata, no warnings) validates too', () => {
    const b = makeMatrix('B', 1, 1, { kind: 'dense' }, [1]);
    const minimal = buildFootprint(makeModel({ scale: 1, state: 1, inputSize: 1, matrices: [b], layers: [makeLayer({ terms: [{ matrix: 'B', source: 'input' }] })] }));
    expect(validate(JSON.parse(JSON.stringify(minimal))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema is strict: unknown keys and wrong types are rejected', () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(validate({ ...json, extra: 1 })).toBe(false);
    expect(validate({ ...json, totals: { ...json.totals, signBytes: -1 } })).toBe(false);
    expect(validate({ ...json, runtime: {} })).toBe(false);
    const { warnings: _omitted, ...withoutWarnings } = json;
    expect(validate(withoutWarnings)).toBe(false);
  });
});
