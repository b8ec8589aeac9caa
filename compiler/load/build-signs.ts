/**
 * Produces a matrix's packed sign bits (canonical order, bit 1 = negative) from whichever
 * encoding the model used, binarizing latent values with s = -1 if v < 0 else +1 and measuring
 * the quantization error ||v - s * scale * gain|| / ||v|| in float64.
 */
import { fail, type JsonPath } from '../../core/diagnostics/diagnostic.js';
import { forEachRowSegment } from '../ir/structure.js';
import type { Structure } from '../../core/ir.js';
import { checkPaddingBits } from './padding.js';
import { openValueStream, readBytePayload, type PayloadContext, type ValueStream } from './payload.js';
import type { RawMatrix } from '../validate/raw-model.js';

export interface BuiltSigns {
  readonly signs: Uint8Array;
  /** Only for `values` / `dense-values`. */
  readonly quantizationError?: number;
}

export function buildSigns(id: string, matrix: RawMatrix, structure: Structure, nnz: number, scale: number, ctx: PayloadContext): BuiltSigns {
  const path: JsonPath = ['matrices', id, 'signs'];
  const signs = matrix.signs;
  const magnitude = scale * (matrix.gain ?? 1);
  switch (signs.encoding) {
    case 'bits': {
      const what = `matrix "${id}" sign bits (nnz = ${nnz})`;
      const payload = readBytePayload(signs, path, Math.ceil(nnz / 8), what, ctx);
      checkPaddingBits(payload, nnz, what);
      return { signs: payload.bytes };
    }
    case 'values': {
      const stream = openValueStream(signs, path, nnz, `matrix "${id}" values (nnz = ${nnz})`, ctx);
      try {
        const binarizer = new Binarizer(nnz, magnitude, stream);
        for (let k = 0; k < nnz; k++) binarizer.push(k, k);
        return binarizer.result();
      } finally {
        stream.close();
      }
    }
    case 'dense-values': {
      const { rows, cols } = matrix;
      const stream = openValueStream(signs, path, rows * cols, `matrix "${id}" dense-values (${rows} x ${cols})`, ctx);
      try {
        return binarizeDense(id, rows, cols, structure, nnz, magnitude, stream);
      } finally {
        stream.close();
      }
    }
  }
}

/** Walks the row-major values once: entries in the structure are binarized, all others must be exactly 0. */
function binarizeDense(id: string, rows: number, cols: number, structure: Structure, nnz: number, magnitude: number, stream: ValueStream): BuiltSigns {
  const binarizer = new Binarizer(nnz, magnitude, stream);
  let flat = 0;
  const expectZerosUntil = (end: number) => {
    for (; flat < end; flat++) {
      const v = binarizer.finite(flat);
      if (v !== 0) {
        const i = Math.floor(flat / cols);
        fail({
          ...stream.where(flat),
          code: 'PB308',
          message: `matrix "${id}": entry (${i}, ${flat - i * cols}) lies outside the structure but is ${v}`,
          expected: '0 outside the structure',
          found: String(v),
          fix: 'zero the entries outside the structure, or change the structure',
        });
      }
    }
  };
  forEachRowSegment(structure, rows, cols, (i, colStart, colEnd, k) => {
    expectZerosUntil(i * cols + colStart);
    for (let j = colStart; j < colEnd; j++) binarizer.push(k++, flat++);
  });
  expectZerosUntil(rows * cols);
  return binarizer.result();
}

class Binarizer {
  private readonly signs: Uint8Array;
  private readonly error = new Norm2();
  private readonly norm = new Norm2();

  constructor(
    nnz: number,
    private readonly magnitude: number,
    private readonly stream: ValueStream,
  ) {
    this.signs = new Uint8Array(Math.ceil(nnz / 8));
  }

  /** The next stream value (element `index` of the payload); non-finite values are rejected. */
  finite(index: number): number {
    const v = this.stream.next();
    if (!Number.isFinite(v)) {
      fail({ ...this.stream.where(index), code: 'PB309', message: `non-finite value at element ${index}`, expected: 'a finite number', found: String(v), fix: 'check the exporter for NaN / inf weights' });
    }
    return v;
  }

  /** Reads payload element `index` as canonical entry `k`. */
  push(k: number, index: number): void {
    const v = this.finite(index);
    const negative = v < 0;
    if (negative) this.signs[Math.floor(k / 8)] |= 1 << k % 8;
    // |v| - magnitude, not v - s * magnitude: the same value, and it cannot overflow.
    this.error.add(Math.abs(v) - this.magnitude);
    this.norm.add(v);
  }

  result(): BuiltSigns {
    const norm = this.norm.value();
    if (norm === 0) return { signs: this.signs, quantizationError: 0 };
    // Values far below the magnitude (1e-320 against 0.25) give an error beyond float64: it is
    // kept as the largest double, which says the same (anything above 0.5 warns PB802).
    return { signs: this.signs, quantizationError: Math.min(this.error.value() / norm, Number.MAX_VALUE) };
  }
}

/**
 * A Euclidean norm accumulated without overflow or underflow (the scaled sum of squares of
 * LAPACK's dnrm2): trained values near 1e308 or 1e-320 still give a finite, exact-enough error.
 */
class Norm2 {
  private scale = 0;
  private sumOfSquares = 1;

  add(x: number): void {
    const a = Math.abs(x);
    if (a === 0) return;
    if (a > this.scale) {
      this.sumOfSquares = 1 + this.sumOfSquares * (this.scale / a) ** 2;
      this.scale = a;
    } else {
      this.sumOfSquares += (a / this.scale) ** 2;
    }
  }

  value(): number {
    return this.scale * Math.sqrt(this.sumOfSquares);
  }
}
