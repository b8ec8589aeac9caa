/**
 * Damaged and inconsistent containers fed to both builds of the generic runtime: each must reach
 * the verdict the compiler gives (compiler/container/verify.ts, which runs the scalar build
 * through engine/), with the matching status code, never trap, and never run a rejected model.
 */
import { describe, expect, it } from 'vitest';
import { sealContainer } from '../../compiler/container/envelope.js';
import { writeContainer } from '../../compiler/container/write.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { fieldPosition, handBuiltContainer, patched, vectorPosition } from '../container/hand-built.js';
import { allFeaturesModel, minimalModel } from '../container/models.js';
import { FLAVORS, type GenericExports, instantiateRuntime, loadRaw, STATUS_DIAGNOSTIC, compilerVerdict } from './raw-runtime.js';

const full = writeContainer(allFeaturesModel());
const minimal = writeContainer(minimalModel());

/** Loads `bytes` and checks the runtime's verdict against the TypeScript verifier's; returns the status. */
function expectSameVerdict(m: GenericExports, bytes: Uint8Array, label: string): number {
  const status = loadRaw(m, bytes);
  expect(STATUS_DIAGNOSTIC[status], `${label}: runtime status ${status}.${m.error_detail()} at ${m.error_offset()}`).toBe(compilerVerdict(bytes));
  if (status !== 0) {
    // A rejected container leaves no model behind: nothing runs, nothing is written.
    expect(m.is_loaded()).toBe(0);
    expect(m.infer()).toBe(9);
    expect(m.infer_batch(4)).toBe(0);
    expect(m.input_ptr()).toBe(0);
  }
  return status;
}

// Field slots (schema declaration order) and matrix indices of allFeaturesModel(), as in test/container/verify.test.ts.
const MATRIX = { id: 0, structureKind: 4, blocks: 9, mask: 10, signs: 11, gain: 12, encoding: 13 };
const LAYER = { terms: 0, residual: 1, biasVector: 4, thresholdKind: 5, theta: 6, relax: 8 };
const MODEL = { scale: 4, matrices: 10, readout: 12, metadataJson: 13 };
const D = 0, BD = 1, BND = 2, BL = 3, M = 6;

/** Well-formed FlatBuffers with a valid checksum that each break one model rule. */
const RULE_BREAKERS: [string, Uint8Array][] = [
  ['schema version 2', handBuiltContainer({ schemaVersion: 2 })],
  ['schema version 0', handBuiltContainer({ schemaVersion: 0 })],
  ['sign payload length', handBuiltContainer({ signs: new Uint8Array(3) })],
  ['nnz disagrees with the structure', handBuiltContainer({ nnz: 15 })],
  ['term matrix index out of range', handBuiltContainer({ termMatrix: 1 })],
  ['misaligned signs', handBuiltContainer({ misalignSigns: true })],
  ['mask padding bits', patched(full, (view, root) => {
    const last = vectorPosition(root.matrices(M)!, MATRIX.mask) + 7;
    view.setUint8(last, view.getUint8(last) | 0x80);
  })],
  ['overlapping blocks', patched(full, (view, root) => {
    const block = vectorPosition(root.matrices(BL)!, MATRIX.blocks) + 16;
    view.setUint32(block, 4, true);
    view.setUint32(block + 4, 5, true);
  })],
  ['block outside the matrix', patched(full, (view, root) => view.setUint32(vectorPosition(root.matrices(BL)!, MATRIX.blocks) + 4, 8, true))],
  ['structure kind out of range', patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(BD)!, MATRIX.structureKind), 9))],
  ['sign encoding out of range', patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(BD)!, MATRIX.encoding), 3))],
  ['threshold kind out of range', patched(full, (view, root) => view.setUint8(fieldPosition(root.layers(0)!, LAYER.thresholdKind), 4))],
  ['term source out of range', patched(full, (view, root) => view.setUint8(vectorPosition(root.layers(0)!, LAYER.terms) + 4, 3))],
  ['structure field of another kind', patched(full, (view, root) => view.setUint32(fieldPosition(root.matrices(BND)!, 5), 3, true))],
  ['term matrix does not fit', patched(full, (view, root) => view.setUint8(vectorPosition(root.layers(0)!, LAYER.terms) + 4, 0))],
  ['readout does not fit', patched(full, (view, root) => view.setUint32(fieldPosition(root, MODEL.readout), D, true))],
  ['readout out of range', patched(full, (view, root) => view.setUint32(fieldPosition(root, MODEL.readout), 7, true))],
  ['residual out of range', patched(full, (view, root) => view.setUint32(fieldPosition(root.layers(2)!, LAYER.residual), 70, true))],
  ['bias vector length', patched(full, (view, root) => view.setUint32(vectorPosition(root.layers(1)!, LAYER.biasVector) - 4, 11, true))],
  ['negative theta', patched(full, (view, root) => view.setFloat64(fieldPosition(root.layers(0)!, LAYER.theta), -1, true))],
  ['relax 0', patched(full, (view, root) => view.setFloat64(fieldPosition(root.layers(0)!, LAYER.relax), 0, true))],
  ['NaN gain', patched(full, (view, root) => view.setFloat64(fieldPosition(root.matrices(BD)!, MATRIX.gain), Number.NaN, true))],
  ['scale 0', patched(full, (view, root) => view.setFloat64(fieldPosition(root, MODEL.scale), 0, true))],
  ['quantization error on a bits matrix', patched(full, (view, root) => view.setUint8(fieldPosition(root.matrices(D)!, MATRIX.encoding), 0))],
  ['duplicate matrix id', patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(BD)!, MATRIX.id) + 1, 0x4c))],
  ['malformed matrix id', patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(D)!, MATRIX.id), 0x39))],
  ['metadata not JSON', patched(full, (view, root) => view.setUint8(vectorPosition(root, MODEL.metadataJson), 0x78))],
  ['invalid UTF-8 in an id', patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(D)!, MATRIX.id), 0xc0))],
  ['table referenced twice', patched(full, (view, root) => {
    const first = vectorPosition(root, MODEL.matrices);
    view.setUint32(first + 4, first + view.getUint32(first, true) - (first + 4), true);
  })],
  ['unresealed payload edit', patched(full, (view, root) => view.setUint8(vectorPosition(root.matrices(D)!, MATRIX.signs), 0xff), false)],
];

describe.each(FLAVORS)('generic runtime (%s) on damaged containers', (flavor) => {
  it('accepts the intact containers', async () => {
    const m = await instantiateRuntime(flavor);
    expect(expectSameVerdict(m, full, 'full')).toBe(0);
    expect(expectSameVerdict(m, minimal, 'minimal')).toBe(0);
    expect(expectSameVerdict(m, handBuiltContainer(), 'hand-built')).toBe(0);
  });

  it('rejects the container truncated at every length, as the TypeScript verifier does', async () => {
    const m = await instantiateRuntime(flavor);
    for (let length = 0; length < full.length; length++) expect(expectSameVerdict(m, full.slice(0, length), `length ${length}`)).not.toBe(0);
  });

  it('rejects every single-bit flip of a small container', async () => {
    const m = await instantiateRuntime(flavor);
    for (let bit = 0; bit < minimal.length * 8; bit++) {
      const flipped = minimal.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(expectSameVerdict(m, flipped, `bit ${bit}`)).not.toBe(0);
    }
  });

  it.each(RULE_BREAKERS)('rejects a container breaking a rule: %s', async (label, bytes) => {
    const m = await instantiateRuntime(flavor);
    expect(expectSameVerdict(m, bytes, label)).not.toBe(0);
  });

  it('agrees with the compiler on resealed random byte edits, and runs what it accepts', async () => {
    const m = await instantiateRuntime(flavor);
    const random = mulberry32(0xbad);
    let accepted = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = full.slice();
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        sealContainer(bytes, 'fuzz.pibinn'); // a valid checksum, so the edit reaches the model rules
      } catch {
        // The edit broke the envelope itself; the verdicts must still agree.
      }
      if (expectSameVerdict(m, bytes, `trial ${trial}`) === 0) {
        accepted++;
        expect(m.infer_batch(2)).toBe(Math.min(2, m.max_batch()));
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
