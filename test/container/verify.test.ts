import { describe, expect, it } from 'vitest';
import { readContainer } from '../../compiler/container/read.js';
import { verifyContainer } from '../../compiler/container/verify.js';
import { writeContainer } from '../../compiler/container/write.js';
import { PibinnError, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { fieldPosition, handBuiltContainer, patched, vectorPosition } from './hand-built.js';
import { allFeaturesModel, minimalModel } from './models.js';

/** The first diagnostic of the rejection; fails when the container is accepted or something else is thrown. */
function rejection(bytes: Uint8Array): Diagnostic {
  try {
    readContainer(bytes, 'broken.pibinn');
  } catch (error) {
    if (error instanceof PibinnError) return error.diagnostics[0];
    throw new Error(`a non-PibinnError escaped the verifier: ${String(error)}`);
  }
  throw new Error('the container was accepted');
}

function expectRejected(bytes: Uint8Array, code: Diagnostic['code'], message?: RegExp): Diagnostic {
  const diagnostic = rejection(bytes);
  expect(diagnostic.code, diagnostic.message).toBe(code);
  expect(diagnostic.file).toBe('broken.pibinn');
  expect(diagnostic.byteOffset).toBeTypeOf('number');
  if (message) expect(diagnostic.message).toMatch(message);
  return diagnostic;
}

// Field slots (schema declaration order) used by the patches below.
const MATRIX = { id: 0, nnz: 3, structureKind: 4, blocks: 9, mask: 10, signs: 11, gain: 12, encoding: 13 };
const LAYER = { terms: 0, residual: 1, biasVector: 4, thresholdKind: 5, theta: 6, relax: 8 };
const MODEL = { schemaVersion: 0, scale: 4, matrices: 10, readout: 12, metadataJson: 13 };
// Matrix indices in allFeaturesModel().
const D = 0, BD = 1, BND = 2, BL = 3, M = 6;

const full = writeContainer(allFeaturesModel());

describe('verifier: damaged files', () => {
  it('rejects an empty buffer', () => {
    expectRejected(new Uint8Array(0), 'PB501');
  });

  it('rejects a wrong file identifier', () => {
    const bytes = full.slice();
    bytes.set([0x58, 0x58, 0x58, 0x58], 4);
    expectRejected(bytes, 'PB501', /identifier/);
  });

  it('rejects the container truncated at every length', () => {
    for (let length = 0; length < full.length; length++) {
      const diagnostic = rejection(full.slice(0, length));
      expect(diagnostic.code, `length ${length}`).toMatch(/^PB50[1-4]$/);
    }
  });

  it('rejects every single-bit flip of a small container', () => {
    const bytes = writeContainer(minimalModel());
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      const diagnostic = rejection(flipped);
      expect(diagnostic.code, `bit ${bit}`).toMatch(/^PB50[1-6]$/);
    }
  });

  it('rejects every single-bit flip of a container using every feature', () => {
    for (let bit = 0; bit < full.length * 8; bit++) {
      const flipped = full.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(rejection(flipped).code, `bit ${bit}`).toMatch(/^PB50[1-6]$/);
    }
  });

  it('reports a modified payload as a checksum mismatch', () => {
    const bytes = patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(D)!, MATRIX.signs), 0xff), false);
    expectRejected(bytes, 'PB504', /checksum/);
  });

  it('rejects appended bytes', () => {
    const longer = new Uint8Array(full.length + 16);
    longer.set(full);
    expectRejected(longer, 'PB504');
  });

  it('rejects a root offset pointing outside the buffer', () => {
    expectRejected(patched(full, (view) => view.setUint32(0, full.length + 100, true), false), 'PB502');
  });
});

describe('verifier: well-formed FlatBuffers with a valid checksum that break a rule', () => {
  it('accepts the unmodified hand-built container', () => {
    expect(() => verifyContainer(handBuiltContainer(), 'hand.pibinn')).not.toThrow();
  });

  it('rejects an unsupported schema version, naming it', () => {
    const diagnostic = expectRejected(handBuiltContainer({ schemaVersion: 2 }), 'PB506');
    expect(diagnostic.found).toBe('2');
    expectRejected(handBuiltContainer({ schemaVersion: 0 }), 'PB506');
  });

  it('rejects a sign payload of the wrong length', () => {
    expectRejected(handBuiltContainer({ signs: new Uint8Array(3) }), 'PB505', /signs has the wrong length/);
  });

  it('rejects an nnz that disagrees with the structure', () => {
    expectRejected(handBuiltContainer({ nnz: 15 }), 'PB505', /nnz of matrix "W" disagrees/);
  });

  it('rejects a term matrix index out of range', () => {
    expectRejected(handBuiltContainer({ termMatrix: 1 }), 'PB505', /matrix index out of range/);
  });

  it('rejects a misaligned sign payload', () => {
    const diagnostic = expectRejected(handBuiltContainer({ misalignSigns: true }), 'PB503');
    expect(diagnostic.byteOffset! % 16).not.toBe(0);
  });

  it('rejects nonzero padding bits in signs', () => {
    const model = allFeaturesModel();
    const index = [...model.matrices.values()].findIndex((m) => m.nnz % 8 !== 0);
    expect(index).toBeGreaterThanOrEqual(0);
    const matrix = [...model.matrices.values()][index];
    const bytes = patched(full, (view, root) => {
      const last = vectorPosition(root.matrices(index)!, MATRIX.signs) + matrix.signs.length - 1;
      view.setUint8(last, view.getUint8(last) | 0x80);
    });
    expectRejected(bytes, 'PB505', /padding bits of signs/);
  });

  it('rejects nonzero padding bits in a mask', () => {
    const bytes = patched(full, (view, root) => {
      const last = vectorPosition(root.matrices(M)!, MATRIX.mask) + 7; // 5 x 12 = 60 bits
      view.setUint8(last, view.getUint8(last) | 0x80);
    });
    expectRejected(bytes, 'PB505', /padding bits of mask/);
  });

  it('rejects overlapping blocks and blocks outside the matrix', () => {
    // BL's second block [0, 0, 3, 4] moved to [4, 5, 3, 4] overlaps its first block [5, 6, 2, 4].
    const overlapping = patched(full, (view, root) => {
      const block = vectorPosition(root.matrices(BL)!, MATRIX.blocks) + 16;
      view.setUint32(block, 4, true);
      view.setUint32(block + 4, 5, true);
    });
    expectRejected(overlapping, 'PB505', /overlap/);
    const outside = patched(full, (view, root) => view.setUint32(vectorPosition(root.matrices(BL)!, MATRIX.blocks) + 4, 8, true));
    expectRejected(outside, 'PB505', /outside the matrix/);
  });

  it('rejects enum values out of range', () => {
    expectRejected(patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(BD)!, MATRIX.structureKind), 9)), 'PB505', /structure kind/);
    expectRejected(patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(BD)!, MATRIX.encoding), 3)), 'PB505', /sign encoding/);
    expectRejected(patched(full, (view, root) => view.setUint8(fieldPosition(root.layers(0)!, LAYER.thresholdKind), 4)), 'PB505', /threshold kind/);
    expectRejected(patched(full, (view, root) => view.setUint8(vectorPosition(root.layers(0)!, LAYER.terms) + 4, 3)), 'PB505', /term source/);
  });

  it('rejects a structure field set for another kind', () => {
    // BND is banded: giving it a block size must not pass silently.
    const bytes = patched(full, (view, root) => view.setUint32(fieldPosition(root.matrices(BND)!, 5), 3, true));
    expectRejected(bytes, 'PB505', /block_rows/);
  });

  it('rejects matrices that do not fit their use', () => {
    // D (12 x 10) read from the state (length 12).
    expectRejected(patched(full, (view, root) => view.setUint8(vectorPosition(root.layers(0)!, LAYER.terms) + 4, 0)), 'PB505', /"D" does not fit/);
    expectRejected(patched(full, (view, root) => view.setUint32(fieldPosition(root, MODEL.readout), D, true)), 'PB505', /readout matrix "D" does not fit/);
  });

  it('rejects references out of range', () => {
    expectRejected(patched(full, (view, root) => view.setUint32(fieldPosition(root, MODEL.readout), 7, true)), 'PB505', /index out of range/);
    expectRejected(patched(full, (view, root) => view.setUint32(fieldPosition(root.layers(2)!, LAYER.residual), 70, true)), 'PB505', /index out of range/);
  });

  it('rejects a vector parameter whose length is not state', () => {
    const bytes = patched(full, (view, root) => view.setUint32(vectorPosition(root.layers(1)!, LAYER.biasVector) - 4, 11, true));
    expectRejected(bytes, 'PB505', /bias_vector length/);
  });

  it('rejects parameters out of range', () => {
    expectRejected(patched(full, (view, root) => view.setFloat64(fieldPosition(root.layers(0)!, LAYER.theta), -1, true)), 'PB505', /theta/);
    expectRejected(patched(full, (view, root) => view.setFloat64(fieldPosition(root.layers(0)!, LAYER.relax), 0, true)), 'PB505', /relax/);
    expectRejected(patched(full, (view, root) => view.setFloat64(fieldPosition(root.matrices(BD)!, MATRIX.gain), Number.NaN, true)), 'PB505', /gain/);
    expectRejected(patched(full, (view, root) => view.setFloat64(fieldPosition(root, MODEL.scale), 0, true)), 'PB505', /scale/);
  });

  it('rejects a quantization error on a bits matrix', () => {
    // D is a `values` matrix carrying a quantization error; relabel it `bits`.
    expectRejected(patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(D)!, MATRIX.encoding), 0)), 'PB505', /quantization_error/);
  });

  it('rejects duplicate and malformed matrix ids', () => {
    // "BD" -> "BL" (same length, in place).
    const duplicate = patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(BD)!, MATRIX.id) + 1, 0x4c));
    expectRejected(duplicate, 'PB505', /duplicate matrix id "BL"/);
    const malformed = patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(D)!, MATRIX.id), 0x39));
    expectRejected(malformed, 'PB505', /invalid matrix id/);
  });

  it('rejects metadata that is not JSON', () => {
    expectRejected(patched(full, (view, root) => view.setUint8(vectorPosition(root, MODEL.metadataJson), 0x78)), 'PB505', /metadata/);
  });

  it('rejects a table referenced twice', () => {
    const bytes = patched(full, (view, root) => {
      const first = vectorPosition(root, MODEL.matrices);
      const target = first + view.getUint32(first, true);
      view.setUint32(first + 4, target - (first + 4), true);
    });
    expectRejected(bytes, 'PB505', /referenced twice/);
  });
});
