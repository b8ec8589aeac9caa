/**
 * Reads the execution plan the generic runtime made for a container (`plan_query`, QUERY in
 * core/constants.ts) into the typed ExecutionPlan of core/plan.ts, for each requested flavour:
 * the SIMD and scalar runtimes plan the same steps and data and may choose different kernels.
 */
import { BIT_LAYOUTS, BUFFERS, DEFAULT_TABLE_BYTES_LIMIT, KERNEL_REASONS, KERNELS, PLAN_QUERIES as Q, STEP_OPS, STEP_WORDS, THRESHOLDS } from '../core/constants.js';
import { FLAVORS, type Flavor } from '../core/flavor.js';
import type { IRModel, ThresholdKind } from '../core/ir.js';
import type { BitLayout, ExecutionPlan, KernelName, KernelReason, PlanBuffer, PlannedLayer, PlannedMatrix, PlanStep } from '../core/plan.js';
import type { EngineExports } from './exports.js';
import { instantiateEngine } from './instantiate.js';
import { type EngineOptions, loadOrThrow } from './load.js';

export interface PlanOptions extends EngineOptions {
  /** The flavours to plan for (default both). */
  readonly flavors?: readonly Flavor[];
}

const nameOf = <N extends string>(table: Readonly<Record<string, number>>, names: Readonly<Record<string, N>>): ReadonlyMap<number, N> =>
  new Map(Object.entries(table).map(([key, code]) => [code, names[key]]));
const KERNEL_NAMES = nameOf<KernelName>(KERNELS, { FLIP_ADD: 'flip-add', LUT4: 'lut4', LUT8: 'lut8', DIAGONAL: 'diagonal', BIT_SERIAL: 'bit-serial' });
const REASON_NAMES = nameOf<KernelReason>(KERNEL_REASONS, {
  TABLE_SHARED: 'table-shared', COLUMNS_NOT_BYTE_ALIGNED: 'columns-not-byte-aligned', TABLE_TOO_LARGE: 'table-too-large', TOO_FEW_ROWS: 'too-few-rows',
  NO_TABLES: 'no-tables', ROWS_START_APART: 'rows-start-apart', DIAGONALS: 'diagonals', DIAGONALS_PADDING: 'diagonals-padding', BIT_SERIAL: 'bit-serial',
});
const LAYOUT_NAMES = nameOf<BitLayout>(BIT_LAYOUTS, { CANONICAL: 'canonical', BLOCK_MAJOR: 'block-major', DIAGONAL_MAJOR: 'diagonal-major' });
const THRESHOLD_NAMES = nameOf<ThresholdKind>(THRESHOLDS, { NONE: 'none', SOFT: 'soft', HARD: 'hard', SOFT_NONNEG: 'soft-nonneg' });

function lookup<V>(map: ReadonlyMap<number, V>, code: number, what: string): V {
  const value = map.get(code);
  if (value === undefined) throw new Error(`the generic runtime planned an unknown ${what} ${code}: engine/prebuilt is stale (npm run build:runtime)`);
  return value;
}

/** Loads `bytes` (the container of `model`) into a runtime per flavour and reads its plan; throws PB5xx / PB401 if refused. */
export function planContainer(model: IRModel, bytes: Uint8Array, file: string, options: PlanOptions = {}): ExecutionPlan {
  const flavors = options.flavors ?? FLAVORS;
  const engines = new Map<Flavor, EngineExports>();
  for (const flavor of flavors) {
    const engine = instantiateEngine(flavor);
    loadOrThrow(engine, bytes, file, options);
    engines.set(flavor, engine);
  }
  const first = engines.get(flavors[0])!;
  const query = (what: number, index = 0): number => first.plan_query(what, index);
  const perFlavor = <T>(read: (engine: EngineExports) => T): Record<Flavor, T> => {
    const values = Object.fromEntries([...engines].map(([flavor, engine]) => [flavor, read(engine)])) as Partial<Record<Flavor, T>>;
    // A flavour not planned reads as the first one's (a single-flavour build).
    return { simd: values.simd ?? values[flavors[0]]!, scalar: values.scalar ?? values[flavors[0]]! };
  };
  for (const [flavor, engine] of engines) {
    for (const what of [Q.STEP_COUNT, Q.PRODUCT_COUNT, Q.MAX_BATCH, Q.BATCH_GROUP]) {
      if (engine.plan_query(what, 0) !== query(what)) throw new Error(`the ${flavor} runtime planned ${model.name} differently (query ${what})`);
    }
  }
  const memory = (address: number, bytes: number): Uint8Array => new Uint8Array(first.memory.buffer, address, bytes).slice();

  const matrices = model.matrices.map((matrix, i): PlannedMatrix => {
    const fact = (what: number): number => query(what, i);
    const table = fact(Q.MATRIX_TABLE_BYTES) > 0 ? memory(fact(Q.MATRIX_TABLE), fact(Q.MATRIX_TABLE_BYTES)) : undefined;
    const segments = fact(Q.MATRIX_SEGMENT_BYTES) > 0 ? memory(fact(Q.MATRIX_SEGMENTS), fact(Q.MATRIX_SEGMENT_BYTES)) : undefined;
    return {
      matrix,
      index: i,
      kernel: perFlavor((e) => lookup(KERNEL_NAMES, e.plan_query(Q.MATRIX_KERNEL, i), 'kernel')),
      reason: perFlavor((e) => lookup(REASON_NAMES, e.plan_query(Q.MATRIX_REASON, i), 'kernel reason')),
      bitLayout: lookup(LAYOUT_NAMES, fact(Q.MATRIX_BIT_LAYOUT), 'bit layout'),
      tableRows: fact(Q.MATRIX_TABLE_ROWS),
      tableColumns: fact(Q.MATRIX_TABLE_COLUMNS),
      scratchBytes: perFlavor((e) => e.plan_query(Q.MATRIX_SCRATCH_BYTES, i)),
      groupScratchBytes: perFlavor((e) => e.plan_query(Q.MATRIX_GROUP_SCRATCH_BYTES, i)),
      signs: memory(fact(Q.MATRIX_SIGNS), fact(Q.MATRIX_SIGN_BYTES)),
      ...(table !== undefined && { table }),
      ...(segments !== undefined && { segments }),
      coef: fact(Q.MATRIX_COEF),
      lower: fact(Q.MATRIX_LOWER),
      upper: fact(Q.MATRIX_UPPER),
    };
  });

  const vector = (address: number): Float32Array | undefined => (address === 0 ? undefined : new Float32Array(memory(address, 4 * model.state).buffer));
  const layers = model.layers.map((layer, l): PlannedLayer => {
    const fact = (what: number): number => query(what, l);
    const biasVector = vector(fact(Q.LAYER_BIAS_VECTOR));
    const thetaVector = vector(fact(Q.LAYER_THETA_VECTOR));
    return {
      layer,
      index: l,
      skip: fact(Q.LAYER_SKIP),
      bias: fact(Q.LAYER_BIAS),
      ...(biasVector !== undefined && { biasVector }),
      threshold: lookup(THRESHOLD_NAMES, fact(Q.LAYER_THRESHOLD), 'threshold'),
      theta: fact(Q.LAYER_THETA),
      ...(thetaVector !== undefined && { thetaVector }),
      relax: fact(Q.LAYER_RELAX),
      keep: fact(Q.LAYER_KEEP),
    };
  });

  const products = Array.from({ length: query(Q.PRODUCT_COUNT) }, (_, k) => matrices[query(Q.PRODUCT_MATRIX, k)]);
  const steps = readSteps(query, matrices, layers, products);
  const bits = options.activationBits ?? 0;
  return {
    model,
    flavors,
    matrices,
    layers,
    steps,
    products,
    usesResidual: steps.some((s) => s.op === 'copy' && s.to.kind === 'residual'),
    maxBatch: query(Q.MAX_BATCH),
    batchGroup: query(Q.BATCH_GROUP),
    scratchBytes: perFlavor((e) => e.plan_query(Q.SCRATCH_BYTES, 0)),
    ...(bits > 0 && { activationBits: bits }),
    tableBytesLimit: options.tableBytesLimit ?? DEFAULT_TABLE_BYTES_LIMIT,
  };
}

function readSteps(
  query: (what: number, index?: number) => number, matrices: readonly PlannedMatrix[], layers: readonly PlannedLayer[], products: readonly PlannedMatrix[],
): PlanStep[] {
  const fixed = new Map<number, PlanBuffer>(
    (['state', 'preactivation', 'residual', 'input', 'output'] as const).map((kind) => [BUFFERS[kind.toUpperCase() as Uppercase<typeof kind>], { kind }]),
  );
  const buffer = (id: number): PlanBuffer => fixed.get(id) ?? { kind: 'product', index: id - BUFFERS.PRODUCT_0, matrix: products[id - BUFFERS.PRODUCT_0] };
  const steps: PlanStep[] = [];
  for (let s = 0; s < query(Q.STEP_COUNT); s++) {
    const [op, a, b, c] = Array.from({ length: STEP_WORDS }, (_, w) => query(Q.STEP_WORD, s * STEP_WORDS + w));
    if (op === STEP_OPS.ZERO) steps.push({ op: 'zero', buffer: buffer(a) });
    else if (op === STEP_OPS.COPY) steps.push({ op: 'copy', to: buffer(a), from: buffer(b) });
    else if (op === STEP_OPS.ADD) steps.push({ op: 'add', to: buffer(a), from: buffer(b) });
    else if (op === STEP_OPS.PRODUCT || op === STEP_OPS.PRODUCT_SUB) {
      steps.push({ op: 'product', matrix: matrices[a], to: buffer(b), from: buffer(c), subtract: op === STEP_OPS.PRODUCT_SUB });
    } else if (op === STEP_OPS.INIT) steps.push({ op: 'init', layer: layers[a], stateIsZero: b !== 0 });
    else if (op === STEP_OPS.UPDATE) steps.push({ op: 'update', layer: layers[a] });
    else throw new Error(`the generic runtime planned an unknown step ${op}: engine/prebuilt is stale (npm run build:runtime)`);
  }
  return steps;
}
