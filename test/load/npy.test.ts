/** compiler/io/npy.ts: round trips for every dtype, numpy-written files, format 2.0 / 3.0 headers, and broken files. */
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, parseNpyHeader, readNpyHeader } from '../../compiler/io/npy.js';
import { loadError, npyWithHeader } from './helpers.js';

const conformance = fileURLToPath(new URL('../fixtures/conformance/', import.meta.url));

describe('encodeNpy / parseNpy', () => {
  it.each([
    { dtype: 'float32', data: Float32Array.of(1.5, -2, 0.25, 3e-8, -0, 7), shape: [2, 3] },
    { dtype: 'float64', data: Float64Array.of(Math.PI, -1e300, 5e-324), shape: [3] },
    { dtype: 'int8', data: Int8Array.of(-128, 0, 127, -1), shape: [4] },
    { dtype: 'uint8', data: Uint8Array.of(0, 1, 255), shape: [3] },
    { dtype: 'bool', data: Uint8Array.of(1, 0, 0, 1), shape: [2, 2] },
    { dtype: 'float32', data: Float32Array.of(42), shape: [] },
  ] as const)('round-trips $dtype with shape $shape', ({ dtype, data, shape }) => {
    const bytes = encodeNpy(data, shape, dtype);
    const header = parseNpyHeader(bytes, 'x.npy');
    expect(header.dataOffset % 64).toBe(0);
    expect(header.version).toEqual([1, 0]);
    const array = parseNpy(bytes, 'x.npy');
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect(Array.from(array.data)).toEqual(Array.from(data));
  });

  it('reads files written by numpy', () => {
    const inputs = parseNpy(readFileSync(join(conformance, 'dense-lista/inputs.npy')), 'inputs.npy');
    expect(inputs.dtype).toBe('float32');
    expect(inputs.shape).toHaveLength(2);
    expect(inputs.shape[1]).toBe(16);
    const bits = parseNpy(readFileSync(join(conformance, 'banded-ista/W0.bits.npy')), 'W0.bits.npy');
    expect(bits).toMatchObject({ dtype: 'uint8', shape: [71] });
  });

  it('reads a Node Buffer that is a view into a shared pool (non-zero byteOffset)', () => {
    const file = encodeNpy(Float32Array.of(1.5, -2.25, 3), [3]);
    const pooled = Buffer.from(new ArrayBuffer(file.length + 13), 13, file.length);
    pooled.set(file);
    expect(pooled.byteOffset).toBe(13);
    expect(Array.from(parseNpy(pooled, 'x.npy').data)).toEqual([1.5, -2.25, 3]);
  });

  it('writes the header text numpy writes', () => {
    const bytes = encodeNpy(Float64Array.of(1, 2), [2]);
    const text = new TextDecoder().decode(bytes.subarray(10, parseNpyHeader(bytes, 'x.npy').dataOffset));
    expect(text).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2,\), \} *\n$/);
  });

  it('reads format 2.0 and 3.0 headers', () => {
    const data = new Uint8Array(Float32Array.of(1, -1).buffer);
    const v2 = parseNpy(npyWithHeader(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", data), 'v2.npy');
    expect(Array.from(v2.data)).toEqual([1, -1]);
    const v3 = parseNpy(npyWithHeader(3, "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1, 2), }", data), 'v3.npy');
    expect(v3.shape).toEqual([1, 2]);
  });

  it('reads only the header from a file descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-npy-'));
    const bytes = encodeNpy(new Float64Array(1000), [10, 100]);
    writeFileSync(join(dir, 'a.npy'), bytes);
    const fd = openSync(join(dir, 'a.npy'), 'r');
    try {
      expect(readNpyHeader(fd, 'a.npy')).toEqual(parseNpyHeader(bytes, 'a.npy'));
    } finally {
      closeSync(fd);
    }
  });
});

describe('broken .npy files', () => {
  const good = encodeNpy(Float32Array.of(1, 2, 3), [3]);
  const dataStart = parseNpyHeader(good, 'good.npy').dataOffset;
  const cases: [string, Uint8Array, 'PB304' | 'PB305', number][] = [
    ['bad magic', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, ...good.subarray(6)]), 'PB304', 5],
    ['format 4.0', Uint8Array.from([...good.subarray(0, 6), 4, 0, ...good.subarray(8)]), 'PB304', 6],
    ['a file of 7 bytes', good.subarray(0, 7), 'PB304', 7],
    ['header longer than the file', good.subarray(0, dataStart - 1), 'PB304', dataStart - 1],
    ['truncated data', good.subarray(0, good.length - 1), 'PB304', dataStart],
    ['bytes after the data', Uint8Array.from([...good, 0]), 'PB304', dataStart],
    ['Fortran order', npyWithHeader(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", new Uint8Array(12)), 'PB304', 10],
    ['a missing shape', npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False}", new Uint8Array(12)), 'PB304', 10],
    ['an unknown key', npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': True}", new Uint8Array(12)), 'PB304', 10],
    ['a non-numeric shape', npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (a,)}", new Uint8Array(12)), 'PB304', 10 + 51],
    ['a structured dtype', npyWithHeader(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", new Uint8Array(12)), 'PB304', 10 + 10],
    ['big-endian float32', npyWithHeader(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(12)), 'PB305', 10],
    ['int32', npyWithHeader(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(12)), 'PB305', 10],
  ];
  it.each(cases)('rejects %s', (_what, bytes, code, byteOffset) => {
    const error = loadError(() => parseNpy(bytes, 'bad.npy'));
    expect(error.diagnostics[0]).toMatchObject({ code, file: 'bad.npy', byteOffset });
  });
});
