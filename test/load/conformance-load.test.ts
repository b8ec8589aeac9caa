/**
 * The independently written conformance models load, and every matrix's nnz, sign bits and
 * quantization error match a second, deliberately naive computation straight from the spec:
 * an `exists(i, j)` predicate per structure kind, a full row-major scan, and direct decoding
 * of each payload.
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../compiler/io/npy.js';
import { loadModel, loadModelFromText } from '../../compiler/load/load-model.js';
import { CONFORMANCE_DIR as root, CONFORMANCE_MODELS as models, HAS_UNUSED_MATRIX, loadConformanceModel } from '../support/conformance.js';
import { loadError, minimalModel } from './helpers.js';
import { matrixNamed } from '../support/ir-draft.js';

type Json = Record<string, any>;

/** Payload bytes or numbers straight from the JSON or the file, without the loader. */
function payload(source: Json, dir: string, raw: 'bytes' | 'float32'): ArrayLike<number> {
  if (source.data !== undefined) return typeof source.data === 'string' ? Buffer.from(source.data, 'base64') : source.data;
  const bytes = new Uint8Array(readFileSync(join(dir, source.file)));
  if (extname(source.file) === '.npy') return parseNpy(bytes, source.file).data;
  return raw === 'bytes' ? bytes : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

function existsPredicate(m: Json, dir: string): (i: number, j: number) => boolean {
  const s = m.structure;
  switch (s.kind) {
    case 'dense':
      return () => true;
    case 'block-diagonal':
      return (i, j) => Math.floor(i / s.blockRows) === Math.floor(j / s.blockCols);
    case 'banded':
      return (i, j) => -s.lower <= j - i && j - i <= s.upper;
    case 'blocks':
      return (i, j) => s.blocks.some(([r0, c0, r, c]: number[]) => i >= r0 && i < r0 + r && j >= c0 && j < c0 + c);
    case 'mask': {
      const bitmap = payload(s, dir, 'bytes');
      return (i, j) => ((bitmap[Math.floor((i * m.cols + j) / 8)] >> ((i * m.cols + j) % 8)) & 1) === 1;
    }
  }
  throw new Error(`unknown kind ${s.kind}`);
}

/** nnz, sign bits and quantization error computed the slow, obvious way. */
function independent(m: Json, dir: string, scale: number): { nnz: number; negatives: number[]; qe?: number } {
  const exists = existsPredicate(m, dir);
  const entries: [number, number][] = [];
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) if (exists(i, j)) entries.push([i, j]);
  const nnz = entries.length;
  if (m.signs.encoding === 'bits') {
    const bytes = payload(m.signs, dir, 'bytes');
    const negatives = entries.map((_, k) => k).filter((k) => (bytes[k >> 3] >> (k & 7)) & 1);
    return { nnz, negatives };
  }
  const values = payload(m.signs, dir, 'float32');
  const v = m.signs.encoding === 'values' ? entries.map((_, k) => Number(values[k])) : entries.map(([i, j]) => Number(values[i * m.cols + j]));
  const a = scale * (m.gain ?? 1);
  const err = Math.hypot(...v.map((x) => x - (x < 0 ? -a : a)));
  const norm = Math.hypot(...v);
  return { nnz, negatives: v.flatMap((x, k) => (x < 0 ? [k] : [])), qe: norm === 0 ? 0 : err / norm };
}

function negativesOf(signs: Uint8Array, nnz: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < nnz; k++) if ((signs[k >> 3] >> (k & 7)) & 1) out.push(k);
  return out;
}

describe('conformance models load', () => {
  for (const name of models) {
    const dir = join(root, name);
    const raw = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    if (HAS_UNUSED_MATRIX.has(name)) {
      it(`${name}: rejected by default for its unused matrix W0, as spec section 4 requires; accepted with allowUnused`, () => {
        const error = loadError(() => loadModel(join(dir, 'model.json')));
        expect(error.diagnostics.map((d) => [d.code, d.severity, d.jsonPath])).toEqual([['PB208', 'error', ['matrices', 'W0']]]);
        const { warnings } = loadConformanceModel(name);
        expect(warnings.map((d) => [d.code, d.severity, d.jsonPath])).toEqual([['PB208', 'warning', ['matrices', 'W0']]]);
      });
    }
    it(`${name}: every matrix matches an independent decoding`, () => {
      const { model, warnings } = loadConformanceModel(name);
      expect(warnings.filter((d) => d.code !== 'PB208')).toEqual([]);
      expect(model.matrices.map((m) => m.id)).toEqual(Object.keys(raw.matrices));
      for (const [id, m] of Object.entries<Json>(raw.matrices)) {
        const ir = matrixNamed(model, id);
        const expected = independent(m, dir, raw.scale);
        expect(ir.nnz, id).toBe(expected.nnz);
        expect(ir.signs.length, id).toBe(Math.ceil(expected.nnz / 8));
        expect(negativesOf(ir.signs, ir.nnz), id).toEqual(expected.negatives);
        expect(ir.gain).toBe(m.gain ?? 1);
        expect(ir.encoding).toBe(m.signs.encoding);
        if (expected.qe === undefined) expect(ir.quantizationError).toBeUndefined();
        else expect(ir.quantizationError).toBeCloseTo(expected.qe, 12);
      }
      expect(model.layers).toHaveLength(raw.layers.length);
      expect(model.readout?.id).toBe(raw.readout?.matrix);
    });
  }
});

describe('the spec minimal example (section 8)', () => {
  const { model } = loadModelFromText(JSON.stringify(minimalModel()), 'tiny.json', '/nonexistent');

  it('B: block-diagonal, nnz 8, signs 0xA5', () => {
    const b = matrixNamed(model, 'B');
    expect(b).toMatchObject({ rows: 4, cols: 4, nnz: 8, gain: 1, encoding: 'bits', structure: { kind: 'block-diagonal', blockRows: 2, blockCols: 2 } });
    expect(b.signs).toEqual(Uint8Array.of(0xa5));
    expect(b.quantizationError).toBeUndefined();
  });

  it('W: banded, nnz 10, values binarized (negatives at 1, 2, 6, 9) with their quantization error', () => {
    const w = matrixNamed(model, 'W');
    expect(w.nnz).toBe(10);
    expect(w.signs).toEqual(Uint8Array.of(0b0100_0110, 0b0000_0010));
    const v = [0.3, -0.2, -0.1, 0.4, 0.2, 0.1, -0.3, 0.2, 0.5, -0.4];
    const expected = Math.sqrt(v.reduce((s, x) => s + (Math.abs(x) - 0.25) ** 2, 0) / v.reduce((s, x) => s + x * x, 0));
    expect(w.quantizationError).toBeCloseTo(expected, 14);
  });

  it('layers get the spec defaults: skip 0, relax 1, bias 0; no readout, no residual', () => {
    expect(model.layers[1]).toEqual({
      terms: [
        { matrix: matrixNamed(model, 'W'), source: 'state' },
        { matrix: matrixNamed(model, 'B'), source: 'input' },
      ],
      skip: 0,
      bias: 0,
      threshold: { kind: 'soft', theta: 0.05 },
      relax: 1,
    });
    expect(model).toMatchObject({ name: 'tiny', scale: 0.25, state: 4, input: { name: 'y', size: 4 }, output: { name: 'x', size: 4 } });
    expect('readout' in model || 'description' in model || 'metadata' in model).toBe(false);
  });
});
