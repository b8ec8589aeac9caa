/** Shared helpers for the loader tests: temp model folders and catching load errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';

/** The spec's minimal example (section 8). */
export function minimalModel(): Record<string, any> {
  return {
    format: 'pibinn-model',
    version: 1,
    name: 'tiny',
    scale: 0.25,
    state: 4,
    input: { name: 'y', size: 4 },
    output: { name: 'x', size: 4 },
    matrices: {
      B: { rows: 4, cols: 4, structure: { kind: 'block-diagonal', blockRows: 2, blockCols: 2 }, signs: { encoding: 'bits', data: 'pQ==' } },
      W: { rows: 4, cols: 4, structure: { kind: 'banded', lower: 1, upper: 1 }, signs: { encoding: 'values', data: [0.3, -0.2, -0.1, 0.4, 0.2, 0.1, -0.3, 0.2, 0.5, -0.4] } },
    },
    layers: [
      { terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'soft', theta: 0.1 } },
      { terms: [{ matrix: 'W', source: 'state' }, { matrix: 'B', source: 'input' }], threshold: { kind: 'soft', theta: 0.05 } },
    ],
  };
}

/** Writes model.json and payload files into a fresh temp folder; returns the model path. */
export function writeModelDir(model: unknown, files: Record<string, Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pibinn-load-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(model, null, 2));
  return path;
}

/** Runs `load`, which must throw a PibinnError, and returns that error. */
export function loadError(load: () => unknown): PibinnError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(PibinnError);
    return error as PibinnError;
  }
  throw new Error('expected the load to fail, but it succeeded');
}

/** Float32 little-endian bytes of `values` (a raw payload file). */
export function float32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A .npy file of format `major`.0 with a hand-written header dict (for headers encodeNpy never writes). */
export function npyWithHeader(major: 1 | 2 | 3, dict: string, data: Uint8Array): Uint8Array {
  const preamble = major === 1 ? 10 : 12;
  const header = new TextEncoder().encode(`${dict}\n`);
  const out = new Uint8Array(preamble + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, preamble);
  out.set(data, preamble + header.length);
  return out;
}
