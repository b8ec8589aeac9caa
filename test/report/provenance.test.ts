import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeContainer } from '../../compiler/container/write.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { provenanceOf } from '../../compiler/report/provenance.js';
import { minimalModel, writeModelDir } from '../load/helpers.js';
import { richModel } from './report-models.js';

describe('provenanceOf', () => {
  const model = richModel();

  it('dates by SOURCE_DATE_EPOCH when set, else by the clock, to the second in UTC', () => {
    expect(provenanceOf(model, { env: { SOURCE_DATE_EPOCH: '0' } })).toMatchObject({ date: '1970-01-01T00:00:00Z', dateSource: 'SOURCE_DATE_EPOCH' });
    expect(provenanceOf(model, { env: {}, clock: () => Date.UTC(2026, 1, 3, 4, 5, 6, 789) })).toMatchObject({ date: '2026-02-03T04:05:06Z', dateSource: 'clock' });
    expect(provenanceOf(model, { env: { SOURCE_DATE_EPOCH: '' }, clock: () => 0 }).dateSource).toBe('clock');
    for (const bad of ['-1', '1.5', '1e9', 'now']) expect(() => provenanceOf(model, { env: { SOURCE_DATE_EPOCH: bad } }), bad).toThrow(/SOURCE_DATE_EPOCH must be a whole number/);
  });

  it('names the tool version and hashes the container, or gives null for an IR no container can hold', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const container = writeContainer(model);
    const p = provenanceOf(model, { env: {} });
    expect(p).toMatchObject({ tool: 'pibinn', toolVersion: version, modelHash: `sha256:${createHash('sha256').update(container).digest('hex')}` });
    expect(provenanceOf(model, { container: Uint8Array.of(1), env: {} }).modelHash).toBe(`sha256:${createHash('sha256').update(Uint8Array.of(1)).digest('hex')}`);
    expect(provenanceOf({ ...model, state: 2 ** 33 }, { env: {} }).modelHash, 'a state the format cannot store').toBeNull();
  });

  it('hashes content, not text: whitespace and where sign bits live do not change it; a sign does', () => {
    const hash = (path: string) => provenanceOf(loadModel(path).model, { env: {} }).modelHash;
    const model = minimalModel();
    const compact = hash(writeModelDir(model));
    const dir = writeModelDir(model);
    writeFileSync(dir, JSON.stringify(model, null, 8));
    expect(hash(dir)).toBe(compact);
    const filed = { ...model, matrices: { ...model.matrices, B: { ...model.matrices.B, signs: { encoding: 'bits', file: 'B.bits' } } } };
    expect(hash(writeModelDir(filed, { 'B.bits': Uint8Array.of(0xa5) }))).toBe(compact);
    expect(hash(writeModelDir(filed, { 'B.bits': Uint8Array.of(0xa4) }))).not.toBe(compact);
  });
});
