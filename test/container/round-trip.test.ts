import { ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { Model } from '../../compiler/container/generated/pibinn_generated.js';
import { readContainer } from '../../compiler/container/read.js';
import { writeContainer } from '../../compiler/container/write.js';
import type { IRModel, Structure } from '../../core/ir.js';
import { randomModel } from '../support/random-model.js';
import { allFeaturesModel, minimalModel, randomBits, singleStructureModel } from './models.js';
import { matrixNamed } from '../support/ir-draft.js';

function roundTrip(model: IRModel): IRModel {
  return readContainer(writeContainer(model), 'test.pibinn');
}

function expectSameModel(actual: IRModel, expected: IRModel): void {
  expect(actual).toStrictEqual(expected);
  // toStrictEqual does not pin Map order, which the IR defines as the model's order.
  expect([...actual.matrices.keys()]).toEqual([...expected.matrices.keys()]);
}

const STRUCTURES: Structure[] = [
  { kind: 'dense' },
  { kind: 'block-diagonal', blockRows: 3, blockCols: 3 },
  { kind: 'banded', lower: 0, upper: 4 },
  {
    kind: 'blocks',
    blocks: [
      { row0: 3, col0: 0, rows: 6, cols: 2 },
      { row0: 0, col0: 4, rows: 9, cols: 3 },
    ],
  },
  { kind: 'mask', bitmap: randomBits(9 * 9, 5) },
];

describe('container round trip', () => {
  it('carries every IR field of a model using every feature exactly', () => {
    const model = allFeaturesModel();
    const back = roundTrip(model);
    expectSameModel(back, model);
    // -0 must survive (toStrictEqual distinguishes it, checked explicitly for clarity).
    expect(Object.is(back.layers[3].skip, -0)).toBe(true);
    expect(Object.is((back.layers[1].bias as Float64Array)[3], -0)).toBe(true);
    expect(matrixNamed(back, 'BL').structure).toEqual(matrixNamed(model, 'BL').structure);
    expect(matrixNamed(back, 'E').signs.length).toBe(0);
  });

  it('keeps optional parts absent', () => {
    const model = minimalModel();
    const back = roundTrip(model);
    expectSameModel(back, model);
    for (const key of ['description', 'readout', 'metadata']) expect(Object.keys(back)).not.toContain(key);
    expect(Object.keys(matrixNamed(back, 'W'))).not.toContain('quantizationError');
    expect(Object.keys(back.layers[0])).not.toContain('residual');
  });

  it.each(STRUCTURES)('round-trips a $kind structure', (structure) => {
    const model = singleStructureModel(9, structure);
    expectSameModel(roundTrip(model), model);
  });

  it('round-trips 40 seeded random models (awkward sizes, every kind and feature mixed)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const model = randomModel(seed);
      const back = readContainer(writeContainer(model), `random-${seed}.pibinn`);
      // toEqual: the generator writes absent optional fields as explicit `undefined`.
      expect(back, `seed ${seed}`).toEqual(model);
      expect([...back.matrices.keys()]).toEqual([...model.matrices.keys()]);
    }
  });

  it('distinguishes an empty description from an absent one', () => {
    const model = { ...minimalModel(), description: '' };
    expect(roundTrip(model).description).toBe('');
  });

  it('returns an IR that does not alias the container bytes', () => {
    const bytes = writeContainer(minimalModel());
    const model = readContainer(bytes, 'test.pibinn');
    const before = matrixNamed(model, 'W').signs.slice();
    bytes.fill(0);
    expect(matrixNamed(model, 'W').signs).toEqual(before);
  });

  it('reads a container placed at an unaligned offset (as fs.readFileSync may return it)', () => {
    const bytes = writeContainer(allFeaturesModel());
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSameModel(readContainer(shifted.subarray(3), 'test.pibinn'), allFeaturesModel());
  });
});

describe('container layout', () => {
  it('is deterministic: the same model gives byte-identical containers', () => {
    const first = writeContainer(allFeaturesModel());
    const second = writeContainer(allFeaturesModel());
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('starts every sign payload 16-byte aligned relative to the buffer start, and in memory', () => {
    const bytes = writeContainer(allFeaturesModel());
    expect(bytes.byteOffset % 16).toBe(0);
    const root = Model.getRootAsModel(new ByteBuffer(bytes));
    expect(root.matricesLength()).toBe(7);
    for (let i = 0; i < root.matricesLength(); i++) {
      const signs = root.matrices(i)!.signsArray()!;
      expect(signs.byteOffset - bytes.byteOffset, `matrix ${i}`).toSatisfy((offset: number) => offset % 16 === 0);
    }
  });

  it('carries the identifier, schema version and a nonzero checksum', () => {
    const bytes = writeContainer(minimalModel());
    expect(Buffer.from(bytes.subarray(4, 8)).toString('latin1')).toBe('PBNN');
    const root = Model.getRootAsModel(new ByteBuffer(bytes));
    expect(root.schemaVersion()).toBe(1);
    expect(root.checksum()).not.toBe(0);
  });
});
