/**
 * Linear-memory layout of a specialized module: where every buffer lives, and the bytes of the
 * constant region (sign payloads, structure tables, parameter vectors, self-test vectors) that
 * is embedded as one data segment at a fixed offset. Everything is 16-byte aligned; mutable
 * buffers follow the constants; the AssemblyScript compiler's own static data starts at
 * `memoryBase`, after all of them. See docs/abi.md.
 */
import { fail } from '../core/diagnostics/diagnostic.js';
import { forEachRowSegment } from '../compiler/ir/structure.js';
import type { IRMatrix, IRModel, ScalarOrVector } from '../core/ir.js';
import { bandDiagonals, batchGroup, type KernelChoice, type KernelTarget, scratchBytes, selectKernels } from './kernel-selection.js';

export type BufferRegion = 'weights' | 'parameters' | 'self-test' | 'state' | 'scratch' | 'input' | 'output';

export interface LayoutBuffer {
  readonly name: string;
  readonly region: BufferRegion;
  readonly offset: number;
  readonly bytes: number;
  readonly alignment: number;
}

export interface MemoryLayout {
  /** Every buffer, in address order (constants first). */
  readonly buffers: readonly LayoutBuffer[];
  /**
   * True (web builds): the constants are a data segment in linear memory. False (MCU flash
   * layout): they form their own address space, read through `runtime-as/constants.ts`'s
   * replacement, and the mutable buffers start at the bottom of linear memory.
   */
  readonly constantsInLinearMemory: boolean;
  /** The constant region: [constantsOffset, constantsOffset + constantsBytes). */
  readonly constantsOffset: number;
  readonly constantsBytes: number;
  /** End of all buffers; the compiler's own static data (a 256-byte SIMD table) starts here. */
  readonly memoryBase: number;
  /** Input vectors `infer_batch` can take per call. */
  readonly maxBatch: number;
  /**
   * Inputs `infer_batch` runs through each layer together (batch-inner kernels, SIMD builds):
   * state, pre-activation, residual and cached-product buffers hold this many vectors.
   */
  readonly batchGroup: number;
  /** Per matrix, the kernel its products run and its table scratch (codegen/kernel-selection.ts). */
  readonly kernels: readonly KernelChoice[];
  /** k of a k-bit activation build (bit-serial products, runtime-as/bit-serial.ts); absent for float32. */
  readonly activationBits?: number;
  /** Laid out for a threaded build too (runtime-as/threads.ts): a job record and the helper's table scratch. */
  readonly threads: boolean;
  readonly selfTestVectors: number;
  /** Initial (and only) size of the linear memory in 64 KiB pages, known once compiled. */
  readonly memoryPages: number;
}

/** The layout before compilation, when the page count is not known yet. */
export type PlannedLayout = Omit<MemoryLayout, 'memoryPages'>;

/** Where one matrix's data sits and how its kernel walks it. */
export type MatrixPlacement =
  | { readonly kind: 'dense' | 'block-diagonal' | 'banded'; readonly signs: number }
  | { readonly kind: 'blocks'; readonly signs: number; readonly table: number; readonly count: number }
  | { readonly kind: 'mask'; readonly signs: number; readonly rowStarts: number; readonly segments: number };

export interface PlannedMemory {
  readonly layout: PlannedLayout;
  /** The data segment's bytes. */
  readonly constants: Uint8Array;
  readonly matrices: ReadonlyMap<string, MatrixPlacement>;
  /** Per layer: offsets of vector bias / theta (0 when scalar). */
  readonly layers: readonly { readonly bias: number; readonly theta: number }[];
  /** Matrices used as `input` terms by two or more layers: their product is computed once per input. */
  readonly cachedProducts: ReadonlyMap<string, number>;
  readonly state: number;
  readonly preactivation: number;
  /** Table scratch of the lookup kernels (`scratch:lut`), 0 if no matrix uses one. */
  readonly lookupTable: number;
  /** Threaded layouts: the job record (`threads:job`) and the helper thread's table scratch (`scratch:lut:helper`, 0 if none). */
  readonly job: number;
  readonly helperLookupTable: number;
  /** Residual scratch r (input.size), 0 if no layer has a residual term. */
  readonly residual: number;
  readonly input: number;
  readonly output: number;
  readonly testInputs: number;
  readonly testExpected: number;
}

export interface SelfTestVectors {
  readonly count: number;
  /** count x input.size, row-major. */
  readonly inputs: Float32Array;
  /** count x output.size, the float64 reference rounded to f32. */
  readonly expected: Float32Array;
}

const ALIGN = 16;
/** The kernels read sign bits with unaligned 64-bit loads, up to 8 bytes past a payload's end. */
const SIGN_SLACK = 8;
/** First usable offset: address 0 stays unused so a null pointer never aliases data. */
const CONSTANTS_OFFSET = 16;
/** Linear memory must stay addressable with i32 offsets and a 32-bit bit index per matrix. */
export const MEMORY_LIMIT_BYTES = 2 ** 31;
/** Default cap on the batch buffers (input + output) of `infer_batch`. */
const BATCH_BUFFER_BUDGET = 4 * 1024 * 1024;
const DEFAULT_MAX_BATCH = 64;

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

interface Reservation {
  readonly name: string;
  readonly region: BufferRegion;
  readonly bytes: number;
  /** Fills the buffer's bytes in the constant region; absent for mutable buffers. */
  readonly fill?: (target: Uint8Array) => void;
}

/** Largest batch whose input and output buffers fit the budget (at least 1). */
export function defaultMaxBatch(model: IRModel): number {
  const perVector = 4 * (model.input.size + model.output.size);
  return Math.max(1, Math.min(DEFAULT_MAX_BATCH, Math.floor(BATCH_BUFFER_BUDGET / perVector)));
}

export interface PlanOptions {
  /** Default true; false places the constants in their own address space (see MemoryLayout). */
  readonly constantsInLinearMemory?: boolean;
  /** Default 'web' (lookup tables where they pay); 'mcu' keeps every product on flip-and-add. */
  readonly kernelTarget?: KernelTarget;
  /** k-bit activations: dense and block-diagonal products run bit-serially, their planes in `scratch:lut`. */
  readonly activationBits?: number;
  /** Also lay out what a threaded build needs (runtime-as/threads.ts). */
  readonly threads?: boolean;
}

/** runtime-as/threads.ts's job record. */
const JOB_BYTES = 64;

export function planMemory(
  model: IRModel, maxBatch: number, selfTest: SelfTestVectors, file: string, options: PlanOptions = {},
): PlannedMemory {
  const constantsInLinearMemory = options.constantsInLinearMemory ?? true;
  const constants: Reservation[] = [];
  const mutable: Reservation[] = [];
  const offsets = new Map<string, number>();
  const matrixPlans = new Map<string, (at: (name: string) => number) => MatrixPlacement>();

  const kernels = selectKernels(model, options.kernelTarget ?? 'web', options.activationBits);
  for (const matrix of model.matrices) {
    const diagonalMajor = kernels.find((k) => k.matrix === matrix.id)!.bitLayout === 'diagonal-major';
    matrixPlans.set(matrix.id, reserveMatrix(matrix, diagonalMajor, constants));
  }
  const layerNames = model.layers.map((layer, l) => ({
    bias: reserveVector(`bias:layer${l}`, layer.bias, constants),
    theta: reserveVector(`theta:layer${l}`, layer.threshold.theta, constants),
  }));
  constants.push(f32Buffer('self-test:inputs', 'self-test', selfTest.inputs));
  constants.push(f32Buffer('self-test:expected', 'self-test', selfTest.expected));

  const cached = [...inputTermUses(model)].filter(([, uses]) => uses >= 2).map(([id]) => id);
  const group = batchGroup(kernels, maxBatch);
  mutable.push({ name: 'state:x', region: 'state', bytes: 4 * group * model.state });
  mutable.push({ name: 'scratch:z', region: 'scratch', bytes: 4 * group * model.state });
  const hasResidual = model.layers.some((layer) => layer.residual !== undefined);
  if (hasResidual) mutable.push({ name: 'scratch:r', region: 'scratch', bytes: 4 * group * model.input.size });
  for (const id of cached) mutable.push({ name: `scratch:product:${id}`, region: 'scratch', bytes: 4 * group * model.state });
  const lutBytes = Math.max(0, ...kernels.map((k) => scratchBytes(k, group)));
  if (lutBytes > 0) mutable.push({ name: 'scratch:lut', region: 'scratch', bytes: lutBytes });
  const threads = options.threads ?? false;
  if (threads) {
    mutable.push({ name: 'threads:job', region: 'scratch', bytes: JOB_BYTES });
    if (lutBytes > 0) mutable.push({ name: 'scratch:lut:helper', region: 'scratch', bytes: lutBytes });
  }
  mutable.push({ name: 'input', region: 'input', bytes: 4 * maxBatch * model.input.size });
  mutable.push({ name: 'output', region: 'output', bytes: 4 * maxBatch * model.output.size });

  // Place everything and check the limit before allocating the constant bytes.
  const buffers: LayoutBuffer[] = [];
  let cursor = CONSTANTS_OFFSET;
  const place = (r: Reservation): void => {
    buffers.push({ name: r.name, region: r.region, offset: cursor, bytes: r.bytes, alignment: ALIGN });
    offsets.set(r.name, cursor);
    cursor = alignUp(cursor + r.bytes);
  };
  constants.forEach(place);
  const constantsEnd = cursor;
  if (!constantsInLinearMemory) cursor = CONSTANTS_OFFSET;
  mutable.forEach(place);
  const memoryBase = cursor;
  if (memoryBase > MEMORY_LIMIT_BYTES) {
    fail({
      code: 'PB401',
      file,
      message: `the specialized module needs ${memoryBase} bytes of linear memory`,
      expected: `at most ${MEMORY_LIMIT_BYTES} bytes (2 GiB, the WebAssembly code generator's limit)`,
      found: `${memoryBase} bytes`,
      fix: 'use a smaller model or a smaller maxBatch',
    });
  }
  const constantBytes = new Uint8Array(constantsEnd - CONSTANTS_OFFSET);
  for (const r of constants) {
    const at = offsets.get(r.name)! - CONSTANTS_OFFSET;
    r.fill!(constantBytes.subarray(at, at + r.bytes));
  }
  const at = (name: string): number => offsets.get(name)!;
  const optional = (name: string | undefined): number => (name === undefined ? 0 : at(name));

  return {
    layout: {
      buffers,
      constantsInLinearMemory,
      constantsOffset: CONSTANTS_OFFSET,
      constantsBytes: constantBytes.length,
      memoryBase,
      maxBatch,
      batchGroup: group,
      kernels,
      ...(options.activationBits === undefined ? {} : { activationBits: options.activationBits }),
      threads,
      selfTestVectors: selfTest.count,
    },
    constants: constantBytes,
    matrices: new Map([...matrixPlans].map(([id, place]) => [id, place(at)])),
    layers: layerNames.map((names) => ({ bias: optional(names.bias), theta: optional(names.theta) })),
    cachedProducts: new Map(cached.map((id) => [id, at(`scratch:product:${id}`)])),
    state: at('state:x'),
    preactivation: at('scratch:z'),
    lookupTable: lutBytes > 0 ? at('scratch:lut') : 0,
    job: threads ? at('threads:job') : 0,
    helperLookupTable: threads && lutBytes > 0 ? at('scratch:lut:helper') : 0,
    residual: hasResidual ? at('scratch:r') : 0,
    input: at('input'),
    output: at('output'),
    testInputs: at('self-test:inputs'),
    testExpected: at('self-test:expected'),
  };
}

/** How many layers use each matrix as an `input` term. */
function inputTermUses(model: IRModel): Map<string, number> {
  const uses = new Map<string, number>();
  for (const layer of model.layers) {
    const ids = new Set(layer.terms.filter((t) => t.source === 'input').map((t) => t.matrix.id));
    for (const id of ids) uses.set(id, (uses.get(id) ?? 0) + 1);
  }
  return uses;
}

function f32Buffer(name: string, region: BufferRegion, values: ArrayLike<number>): Reservation {
  return {
    name,
    region,
    bytes: 4 * values.length,
    fill: (target) => new Float32Array(target.buffer, target.byteOffset, values.length).set(values),
  };
}

function reserveVector(name: string, value: ScalarOrVector, constants: Reservation[]): string | undefined {
  if (typeof value === 'number') return undefined;
  constants.push(f32Buffer(name, 'parameters', value));
  return name;
}

function u32Buffer(name: string, values: readonly number[]): Reservation {
  return {
    name,
    region: 'weights',
    bytes: 4 * values.length,
    fill: (target) => new Uint32Array(target.buffer, target.byteOffset, values.length).set(values),
  };
}

/**
 * Reserves a matrix's signs (and table), diagonal-major for a banded matrix whose kernel reads
 * them so; returns how to resolve its placement once offsets are known.
 */
function reserveMatrix(matrix: IRMatrix, diagonalMajor: boolean, constants: Reservation[]): (at: (name: string) => number) => MatrixPlacement {
  const signsName = `signs:${matrix.id}`;
  const signBytes = matrix.signs.length + SIGN_SLACK;
  const { structure } = matrix;
  switch (structure.kind) {
    case 'dense':
    case 'block-diagonal':
    case 'banded': {
      const signs = diagonalMajor ? diagonalMajorSigns(matrix) : matrix.signs;
      constants.push({ name: signsName, region: 'weights', bytes: signs.length + SIGN_SLACK, fill: (t) => t.set(signs) });
      return (at) => ({ kind: structure.kind, signs: at(signsName) });
    }
    case 'blocks': {
      const { table, signs } = blockMajorSigns(matrix);
      const tableName = `blocks:${matrix.id}`;
      constants.push({ name: signsName, region: 'weights', bytes: signBytes, fill: (t) => t.set(signs) });
      constants.push(u32Buffer(tableName, table));
      return (at) => ({ kind: 'blocks', signs: at(signsName), table: at(tableName), count: structure.blocks.length });
    }
    case 'mask': {
      const rowStarts = [0];
      const segments: number[] = [];
      let row = 0;
      forEachRowSegment(structure, matrix.rows, matrix.cols, (i, colStart, colEnd) => {
        for (; row < i; row++) rowStarts.push(segments.length / 2);
        segments.push(colStart, colEnd - colStart);
      });
      for (; row < matrix.rows; row++) rowStarts.push(segments.length / 2);
      const startsName = `mask-rows:${matrix.id}`;
      const segmentsName = `mask-segments:${matrix.id}`;
      constants.push({ name: signsName, region: 'weights', bytes: signBytes, fill: (t) => t.set(matrix.signs) });
      constants.push(u32Buffer(startsName, rowStarts));
      constants.push(u32Buffer(segmentsName, segments));
      return (at) => ({ kind: 'mask', signs: at(signsName), rowStarts: at(startsName), segments: at(segmentsName) });
    }
  }
}

/**
 * Signs of a banded matrix re-laid diagonal-major for runtime-as/banded-diagonals.ts: diagonal
 * t = j - i + lower holds bit i for every row i (rows padded to whole passes), 0 outside the matrix.
 */
export function diagonalMajorSigns(matrix: IRMatrix): Uint8Array {
  if (matrix.structure.kind !== 'banded') throw new Error('diagonalMajorSigns needs a banded structure');
  const band = bandDiagonals(matrix.rows, matrix.cols, matrix.structure.lower, matrix.structure.upper);
  const streamBits = band.paddedRows;
  const signs = new Uint8Array((band.count * streamBits) / 8);
  forEachRowSegment(matrix.structure, matrix.rows, matrix.cols, (i, colStart, colEnd, k) => {
    for (let j = colStart; j < colEnd; j++, k++) {
      if ((matrix.signs[k >>> 3] >> (k & 7)) & 1) {
        const bit = (j - i + band.lower) * streamBits + i;
        signs[bit >>> 3] |= 1 << (bit & 7);
      }
    }
  });
  return signs;
}

/**
 * Signs of a `blocks` matrix re-laid block by block (in the model's block order), row-major
 * inside each block, so each block's rows are consecutive bit runs; plus the kernel's table
 * (row0, col0, rows, cols, first bit) per block.
 */
function blockMajorSigns(matrix: IRMatrix): { table: number[]; signs: Uint8Array } {
  if (matrix.structure.kind !== 'blocks') throw new Error('blockMajorSigns needs a blocks structure');
  const blocks = matrix.structure.blocks;
  // Canonical index of each (row, first column) run: blocks never overlap, so each run is one block's row.
  const runStart = new Map<string, number>();
  forEachRowSegment(matrix.structure, matrix.rows, matrix.cols, (i, colStart, _end, k) => runStart.set(`${i},${colStart}`, k));
  const signs = new Uint8Array(matrix.signs.length);
  const table: number[] = [];
  let bit = 0;
  for (const b of blocks) {
    table.push(b.row0, b.col0, b.rows, b.cols, bit);
    for (let r = 0; r < b.rows; r++) {
      const k = runStart.get(`${b.row0 + r},${b.col0}`)!;
      for (let c = 0; c < b.cols; c++, bit++) {
        if ((matrix.signs[(k + c) >>> 3] >> ((k + c) & 7)) & 1) signs[bit >>> 3] |= 1 << (bit & 7);
      }
    }
  }
  return { table, signs };
}
