/**
 * Linear-memory layout of a specialized module, from its execution plan: where every buffer the
 * plan names lives, and the bytes of the constant region (the plan's prepared sign payloads and
 * structure tables, its float32 parameter vectors, the self-test vectors) embedded as one data
 * segment at a fixed offset. Everything is 16-byte aligned; mutable buffers follow the constants;
 * the AssemblyScript compiler's own static data starts at `memoryBase`, after all of them.
 * See docs/abi.md.
 */
import { BUFFER_ALIGNMENT, JOB, MEMORY_LIMIT_BYTES, READ_SLACK_BYTES } from '../core/constants.js';
import { fail } from '../core/diagnostics/diagnostic.js';
import type { ExecutionPlan, PlanBuffer } from '../core/plan.js';

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
  /** Inputs `infer_batch` runs through each layer together: state, pre-activation, residual and shared products hold this many. */
  readonly batchGroup: number;
  /** k of a k-bit activation build (bit-serial products); absent for float32. */
  readonly activationBits?: number;
  /** Laid out for a threaded build too (runtime-as/threads.ts): a job record and the helper's table scratch. */
  readonly threads: boolean;
  readonly selfTestVectors: number;
  /** Initial (and only) size of the linear memory in 64 KiB pages, known once compiled. */
  readonly memoryPages: number;
}

/** The layout before compilation, when the page count is not known yet. */
export type PlannedLayout = Omit<MemoryLayout, 'memoryPages'>;

/** Where one matrix's prepared data sits (0 for what it has none of). */
export interface MatrixPlacement {
  readonly signs: number;
  readonly table: number;
  readonly segments: number;
}

export interface PlannedMemory {
  readonly layout: PlannedLayout;
  /** The data segment's bytes. */
  readonly constants: Uint8Array;
  /** Per plan matrix (by index). */
  readonly matrices: readonly MatrixPlacement[];
  /** Per layer: offsets of the vector bias / theta (0 when scalar). */
  readonly layers: readonly { readonly bias: number; readonly theta: number }[];
  /** The address of a buffer the plan's steps name (`input` / `output`: slot 0). */
  readonly address: (buffer: PlanBuffer) => number;
  /** Table scratch of the lookup and diagonal kernels (`scratch:lut`), 0 if no matrix uses one. */
  readonly lookupTable: number;
  /** Threaded layouts: the job record (`threads:job`) and the helper thread's table scratch (`scratch:lut:helper`, 0 if none). */
  readonly job: number;
  readonly helperLookupTable: number;
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

const ALIGN = BUFFER_ALIGNMENT;
/** First usable offset: address 0 stays unused so a null pointer never aliases data. */
const CONSTANTS_OFFSET = 16;

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

interface Reservation {
  readonly name: string;
  readonly region: BufferRegion;
  readonly bytes: number;
  /** The buffer's bytes in the constant region; absent for mutable buffers. */
  readonly data?: Uint8Array;
}

export interface LayoutOptions {
  /** Default true; false places the constants in their own address space (see MemoryLayout). */
  readonly constantsInLinearMemory?: boolean;
  /** Also lay out what a threaded build needs (runtime-as/threads.ts). */
  readonly threads?: boolean;
}

const bytesOf = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

export function planMemory(plan: ExecutionPlan, selfTest: SelfTestVectors, file: string, options: LayoutOptions = {}): PlannedMemory {
  const { model } = plan;
  const constantsInLinearMemory = options.constantsInLinearMemory ?? true;
  const constants: Reservation[] = [];
  const mutable: Reservation[] = [];
  // Kernels read sign words past a payload's end, so sign payloads get the read slack.
  const payload = (name: string, data: Uint8Array, slack = 0): void => void constants.push({ name, region: 'weights', bytes: data.length + slack, data });
  for (const m of plan.matrices) {
    payload(`signs:${m.matrix.id}`, m.signs, READ_SLACK_BYTES);
    if (m.table !== undefined) payload(`${m.matrix.structure.kind === 'blocks' ? 'blocks' : 'mask-rows'}:${m.matrix.id}`, m.table);
    if (m.segments !== undefined) payload(`mask-segments:${m.matrix.id}`, m.segments);
  }
  const vector = (name: string, values: Float32Array | undefined): void => {
    if (values !== undefined) constants.push({ name, region: 'parameters', bytes: values.byteLength, data: bytesOf(values) });
  };
  for (const layer of plan.layers) {
    vector(`bias:layer${layer.index}`, layer.biasVector);
    vector(`theta:layer${layer.index}`, layer.thetaVector);
  }
  constants.push({ name: 'self-test:inputs', region: 'self-test', bytes: selfTest.inputs.byteLength, data: bytesOf(selfTest.inputs) });
  constants.push({ name: 'self-test:expected', region: 'self-test', bytes: selfTest.expected.byteLength, data: bytesOf(selfTest.expected) });

  const group = plan.batchGroup;
  mutable.push({ name: 'state:x', region: 'state', bytes: 4 * group * model.state });
  mutable.push({ name: 'scratch:z', region: 'scratch', bytes: 4 * group * model.state });
  if (plan.usesResidual) mutable.push({ name: 'scratch:r', region: 'scratch', bytes: 4 * group * model.input.size });
  for (const m of plan.products) mutable.push({ name: `scratch:product:${m.matrix.id}`, region: 'scratch', bytes: 4 * group * model.state });
  const lutBytes = Math.max(...plan.flavors.map((f) => plan.scratchBytes[f]));
  if (lutBytes > 0) mutable.push({ name: 'scratch:lut', region: 'scratch', bytes: lutBytes });
  const threads = options.threads ?? false;
  if (threads) {
    mutable.push({ name: 'threads:job', region: 'scratch', bytes: JOB.BYTES });
    if (lutBytes > 0) mutable.push({ name: 'scratch:lut:helper', region: 'scratch', bytes: lutBytes });
  }
  mutable.push({ name: 'input', region: 'input', bytes: 4 * plan.maxBatch * model.input.size });
  mutable.push({ name: 'output', region: 'output', bytes: 4 * plan.maxBatch * model.output.size });

  // Place everything and check the limit before allocating the constant bytes.
  const buffers: LayoutBuffer[] = [];
  const offsets = new Map<string, number>();
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
  for (const r of constants) constantBytes.set(r.data!, offsets.get(r.name)! - CONSTANTS_OFFSET);
  const at = (name: string): number => offsets.get(name) ?? 0;

  const fixed: Record<string, number> = { state: at('state:x'), preactivation: at('scratch:z'), residual: at('scratch:r'), input: at('input'), output: at('output') };
  return {
    layout: {
      buffers,
      constantsInLinearMemory,
      constantsOffset: CONSTANTS_OFFSET,
      constantsBytes: constantBytes.length,
      memoryBase,
      maxBatch: plan.maxBatch,
      batchGroup: group,
      ...(plan.activationBits === undefined ? {} : { activationBits: plan.activationBits }),
      threads,
      selfTestVectors: selfTest.count,
    },
    constants: constantBytes,
    matrices: plan.matrices.map((m) => ({
      signs: at(`signs:${m.matrix.id}`),
      table: at(`blocks:${m.matrix.id}`) || at(`mask-rows:${m.matrix.id}`),
      segments: at(`mask-segments:${m.matrix.id}`),
    })),
    layers: plan.layers.map((layer) => ({ bias: at(`bias:layer${layer.index}`), theta: at(`theta:layer${layer.index}`) })),
    address: (buffer) => (buffer.kind === 'product' ? at(`scratch:product:${buffer.matrix.matrix.id}`) : fixed[buffer.kind]),
    lookupTable: at('scratch:lut'),
    job: at('threads:job'),
    helperLookupTable: at('scratch:lut:helper'),
    testInputs: at('self-test:inputs'),
    testExpected: at('self-test:expected'),
  };
}
