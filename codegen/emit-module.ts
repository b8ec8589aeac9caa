/**
 * Emits the AssemblyScript source of a specialized module: the model's dimensions, offsets and
 * coefficients as constants, one product function per distinct kernel call (matrices of one
 * shape share it) calling its structure kind's kernel with constant shape arguments (so the
 * optimizer gets closed-form loops with constant bounds), and the layer sequence of spec
 * section 4 in float32.
 */
import type { IRLayer, IRMatrix, IRModel, ThresholdKind } from '../core/ir.js';
import type { KernelChoice } from './kernel-selection.js';
import type { MatrixPlacement, PlannedMemory } from './layout.js';
import { helperLoop, productChunks, type ProductChunks, splitFunctions } from './emit-threads.js';
import { RUNTIME_DIR } from './runtime-sources.js';

/** Self-test tolerance: relative L2 error of spec section 6, plus an absolute floor for all-zero outputs. */
export const SELF_TEST_RELATIVE_TOLERANCE = 1e-5;
export const SELF_TEST_ABSOLUTE_TOLERANCE = 1e-6;

/**
 * Relative self-test tolerance of a build with k-bit activations: each product's input is
 * rounded to within s / 2 = max|v| / (2^k - 2) per value, and the rounding propagates through
 * the layers. 16 / (2^(k-1) - 1) (0.126 at k = 8, 4.9e-4 at k = 16) is 6-7x the worst error
 * measured on random dense and block-diagonal models with hard thresholds (0.019 at k = 8, 7e-5
 * at k = 16; test/codegen/bit-serial.test.ts), and still fails a sign or scale bug (errors of
 * order 1) from k = 6 on; below that it only catches NaNs and gross errors.
 */
export function selfTestTolerance(activationBits: number | undefined): number {
  if (activationBits === undefined) return SELF_TEST_RELATIVE_TOLERANCE;
  return Math.max(SELF_TEST_RELATIVE_TOLERANCE, 16 / (2 ** (activationBits - 1) - 1));
}

const THRESHOLD_CONSTANT: Record<ThresholdKind, string> = {
  soft: 'THRESHOLD_SOFT',
  hard: 'THRESHOLD_HARD',
  'soft-nonneg': 'THRESHOLD_SOFT_NONNEG',
  none: 'THRESHOLD_NONE',
};

/** An f32 literal that denotes exactly Math.fround(value). */
function f32(value: number): string {
  return `<f32>${String(Math.fround(value))}`;
}

function ptr(offset: number): string {
  return `<usize>${offset}`;
}

/**
 * The kernel call for `count` inputs (z_b at z + b * rows f32, v_b at v + b * cols f32), reading
 * the matrix's sign bits from the product function's `signs` parameter: matrices whose calls are
 * then equal share one function (untied layers of one shape), which keeps the code small.
 */
function kernelCall(matrix: IRMatrix, place: MatrixPlacement, choice: KernelChoice, lut: string, activationBits?: number): string {
  const { structure } = matrix;
  if (choice.kernel.simd === 'bit-serial') {
    // A dense matrix is one block of rows x cols.
    return `matvecBitSerialBatch(z, v, ${matrix.rows}, ${choice.tableRows}, ${choice.tableColumns}, signs, coef, ${activationBits}, ${lut}, count)`;
  }
  // Kinds without a batch-inner kernel run their batch-1 kernel per input.
  const perInput = (call: string): string =>
    `for (let b: i32 = 0; b < count; b++) ${call.replace('(z, v,', `(z + (<usize>(b * ${matrix.rows}) << 2), v + (<usize>(b * ${matrix.cols}) << 2),`)}`;
  switch (place.kind) {
    case 'dense':
      return `matvecDenseBatch(z, v, ${matrix.rows}, ${matrix.cols}, signs, coef, ${lut}, count)`;
    case 'block-diagonal':
      if (structure.kind !== 'block-diagonal') break;
      return `matvecBlockDiagonalBatch(z, v, ${matrix.rows}, ${structure.blockRows}, ${structure.blockCols}, signs, coef, ${lut}, count)`;
    case 'banded': {
      if (structure.kind !== 'banded') break;
      // Bands wider than the matrix mean the same as bands as wide as it, and then fit an i32.
      const band = `${matrix.rows}, ${matrix.cols}, ${Math.min(structure.lower, matrix.rows)}, ${Math.min(structure.upper, matrix.cols)}`;
      if (choice.kernel.simd === 'diagonal') return perInput(`matvecBandedDiagonals(z, v, ${band}, signs, coef, ${lut})`);
      return perInput(`matvecBanded(z, v, ${band}, signs, coef)`);
    }
    case 'blocks':
      return perInput(`matvecBlocks(z, v, ${ptr(place.table)}, ${place.count}, signs, coef)`);
    case 'mask':
      return perInput(`matvecSegments(z, v, ${matrix.rows}, ${ptr(place.rowStarts)}, ${ptr(place.segments)}, signs, coef)`);
  }
  throw new Error(`placement ${place.kind} does not match structure ${structure.kind} of ${matrix.id}`);
}

/**
 * `threads`: the threaded build's source (memory.layout.threads must be set): products that have
 * a row range form are split between the main thread and a helper (emit-threads.ts).
 */
export function emitModuleSource(model: IRModel, memory: PlannedMemory, threads = false): string {
  if (threads && !memory.layout.threads) throw new Error('a threaded build needs a layout planned with threads');
  const coef = (matrix: IRMatrix, sign = 1): string => f32(sign * model.scale * matrix.gain);
  const { state } = model;
  const lines: string[] = [];
  const out = (line = ''): number => lines.push(line);

  out(`// Generated by pibinn codegen for model "${model.name}". Do not edit: rebuild from the model.`);
  out(`import { matvecBanded, matvecBlockDiagonalBatch, matvecBlocks, matvecDenseBatch, matvecSegments } from './${RUNTIME_DIR}/matvec';`);
  if (memory.layout.activationBits !== undefined) out(`import { matvecBitSerialBatch } from './${RUNTIME_DIR}/bit-serial';`);
  out(`import { matvecBandedDiagonals } from './${RUNTIME_DIR}/banded-diagonals';`);
  if (threads) {
    out(`import { matvecBandedDiagonalRows } from './${RUNTIME_DIR}/banded-diagonals';`);
    out(`import { matvecBlockDiagonalBlocks, matvecDenseRows } from './${RUNTIME_DIR}/matvec';`);
    out(`import { awaitChunks, claimChunk, countHelperChunk, finishChunk, helperRunning, helperStart, helperStop, jobCoef, jobId, jobProduct, jobSigns, jobV, jobZ, nextJob, postJob } from './${RUNTIME_DIR}/threads';`);
  }
  out(`import { addVector, copyVector, initPreactivation, updateState, zeroVector } from './${RUNTIME_DIR}/elementwise';`);
  out(`import { THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG } from './${RUNTIME_DIR}/elementwise';`);
  out(`import { outsideTolerance } from './${RUNTIME_DIR}/self-test';`);
  if (!memory.layout.constantsInLinearMemory) out(`import { copyConstants } from './${RUNTIME_DIR}/constants';`);
  out();
  out(`const STATE_SIZE: i32 = ${state};`);
  out(`const INPUT_SIZE: i32 = ${model.input.size};`);
  out(`const OUTPUT_SIZE: i32 = ${model.output.size};`);
  out(`const MAX_BATCH: i32 = ${memory.layout.maxBatch};`);
  out(`const GROUP: i32 = ${memory.layout.batchGroup}; // inputs run through the layers together`);
  out(`const X: usize = ${memory.state};`);
  out(`const Z: usize = ${memory.preactivation};`);
  out(`const INPUT: usize = ${memory.input};`);
  out(`const OUTPUT: usize = ${memory.output};`);
  out(`const TEST_COUNT: i32 = ${memory.layout.selfTestVectors};`);
  out(`const TEST_INPUTS: usize = ${memory.testInputs};`);
  out(`const TEST_EXPECTED: usize = ${memory.testExpected};`);
  if (threads) out(`const JOB: usize = ${memory.job};`);
  out();

  // One product function per distinct kernel call; `signs` tells the matrices sharing it apart.
  const functionOf = new Map<string, number>();
  const bodies = new Map<string, string[]>();
  const parts = new Map<string, ProductChunks>();
  for (const matrix of model.matrices) {
    const choice = memory.layout.kernels.find((k) => k.matrix === matrix.id)!;
    const lut = ptr(choice.tableBytes > 0 ? memory.lookupTable : 0);
    const call = kernelCall(matrix, memory.matrices.get(matrix.id)!, choice, lut, memory.layout.activationBits);
    if (!bodies.has(call)) {
      bodies.set(call, [`// kernel: ${choice.kernel.simd} (SIMD build), ${choice.kernel.scalar} (scalar build): ${choice.reason}`]);
      const chunks = threads ? productChunks(matrix, choice) : undefined;
      if (chunks !== undefined) parts.set(call, chunks);
    }
    bodies.get(call)!.push(`// ${matrix.id}: ${matrix.rows} x ${matrix.cols} ${matrix.structure.kind}, nnz ${matrix.nnz}`);
    functionOf.set(matrix.id, [...bodies.keys()].indexOf(call));
  }
  const splittable: number[] = [];
  [...bodies].forEach(([call, comments], f) => {
    out(`// z_b += coef * M v_b, b < count, for the matrix M whose sign bits start at byte \`signs\`:`);
    for (const comment of comments) out(comment);
    out(`function product${f}(z: usize, v: usize, coef: f32, count: i32, signs: usize): void {`);
    out(`  ${call};`);
    out('}');
    out();
    const split = parts.get(call);
    if (split === undefined) return;
    splittable.push(f);
    splitFunctions(f, split, memory.lookupTable, memory.helperLookupTable).forEach((line) => out(line));
  });
  if (threads) helperLoop(splittable).forEach((line) => out(line));
  const product = (matrix: IRMatrix, z: string, v: string, coefficient: string): string => {
    const f = functionOf.get(matrix.id)!;
    return `${splittable.includes(f) ? 'split' : 'product'}${f}(${z}, ${v}, ${coefficient}, count, ${ptr(memory.matrices.get(matrix.id)!.signs)})`;
  };

  out('/** `count` (<= GROUP) contiguous inputs at y to contiguous outputs at out, layer by layer. */');
  out('function inferGroup(y: usize, out: usize, count: i32): void {');
  out('  zeroVector(X, STATE_SIZE * count); // x_0 = 0');
  for (const [id, at] of memory.cachedProducts) {
    const matrix = model.matrices.find((m) => m.id === id)!;
    out(`  zeroVector(${ptr(at)}, STATE_SIZE * count); // ${id} y, shared by several layers`);
    out(`  ${product(matrix, ptr(at), 'y', coef(matrix))};`);
  }
  model.layers.forEach((layer, l) => emitLayer(layer, l));
  if (model.readout === undefined) {
    out('  copyVector(out, X, STATE_SIZE * count);');
  } else {
    out(`  zeroVector(out, OUTPUT_SIZE * count);`);
    out(`  ${product(model.readout, 'out', 'X', coef(model.readout))}; // readout`);
  }
  out('}');
  out();
  out('export function infer(): void {');
  out('  inferGroup(INPUT, OUTPUT, 1);');
  out('}');
  out();
  out('/** Runs min(count, MAX_BATCH) contiguous input vectors, GROUP at a time; returns how many it ran. */');
  out('export function infer_batch(count: i32): i32 {');
  out('  const n = min(max(count, 0), MAX_BATCH);');
  out('  for (let b: i32 = 0; b < n; b += GROUP) {');
  out('    inferGroup(INPUT + (<usize>(b * INPUT_SIZE) << 2), OUTPUT + (<usize>(b * OUTPUT_SIZE) << 2), min(GROUP, n - b));');
  out('  }');
  out('  return n;');
  out('}');
  out();
  out('/** Runs the embedded test vectors; returns how many are outside tolerance (0 = pass). Clobbers output slot 0 (and input slot 0 when the constants are outside linear memory). */');
  out('export function self_test(): i32 {');
  out('  let failures: i32 = 0;');
  out('  for (let t: i32 = 0; t < TEST_COUNT; t++) {');
  if (memory.layout.constantsInLinearMemory) {
    out('    inferGroup(TEST_INPUTS + (<usize>(t * INPUT_SIZE) << 2), OUTPUT, 1);');
  } else {
    // The kernels read inputs from linear memory only: stage the vector in input slot 0.
    out('    copyConstants(INPUT, TEST_INPUTS + (<usize>(t * INPUT_SIZE) << 2), INPUT_SIZE);');
    out('    inferGroup(INPUT, OUTPUT, 1);');
  }
  out(`    const expected = TEST_EXPECTED + (<usize>(t * OUTPUT_SIZE) << 2);`);
  out(`    if (outsideTolerance(OUTPUT, expected, OUTPUT_SIZE, ${selfTestTolerance(memory.layout.activationBits)}, ${SELF_TEST_ABSOLUTE_TOLERANCE})) failures++;`);
  out('  }');
  out('  return failures;');
  out('}');
  out();
  for (const [name, type, value] of [
    ['input_ptr', 'usize', 'INPUT'], ['output_ptr', 'usize', 'OUTPUT'], ['input_size', 'i32', 'INPUT_SIZE'],
    ['output_size', 'i32', 'OUTPUT_SIZE'], ['state_size', 'i32', 'STATE_SIZE'], ['max_batch', 'i32', 'MAX_BATCH'],
  ] as const) {
    out(`export function ${name}(): ${type} { return ${value}; }`);
  }
  return lines.join('\n') + '\n';

  function emitLayer(layer: IRLayer, l: number): void {
    // In layer 1, x_0 = 0: state terms and skip * x vanish and the residual is y, exactly.
    const first = l === 0;
    const params = memory.layers[l];
    out(`  // layer ${l + 1}: ${layer.threshold.kind} threshold, skip ${layer.skip}, relax ${layer.relax}`);
    const bias = typeof layer.bias === 'number' ? layer.bias : 0;
    out('  for (let b: i32 = 0; b < count; b++) {');
    out('    const at = <usize>(b * STATE_SIZE) << 2;');
    out(`    initPreactivation(Z + at, X + at, STATE_SIZE, ${f32(first ? 0 : layer.skip)}, ${f32(bias)}, ${ptr(params.bias)});`);
    out('  }');
    let residual = 'y';
    if (layer.residual !== undefined && !first) {
      residual = ptr(memory.residual);
      out(`  copyVector(${residual}, y, INPUT_SIZE * count);`);
      out(`  ${product(layer.residual, residual, 'X', coef(layer.residual, -1))}; // r = y - ${layer.residual.id} x`);
    }
    for (const term of layer.terms) {
      if (term.source === 'state' && first) continue;
      if (term.source === 'input' && memory.cachedProducts.has(term.matrix.id)) {
        out(`  addVector(Z, ${ptr(memory.cachedProducts.get(term.matrix.id)!)}, STATE_SIZE * count); // ${term.matrix.id} y`);
        continue;
      }
      const v = term.source === 'state' ? 'X' : term.source === 'input' ? 'y' : residual;
      out(`  ${product(term.matrix, 'Z', v, coef(term.matrix))}; // ${term.matrix.id} ${term.source}`);
    }
    const theta = typeof layer.threshold.theta === 'number' ? layer.threshold.theta : 0;
    out('  for (let b: i32 = 0; b < count; b++) {');
    out('    const at = <usize>(b * STATE_SIZE) << 2;');
    out(`    updateState(X + at, Z + at, STATE_SIZE, ${THRESHOLD_CONSTANT[layer.threshold.kind]}, ${f32(theta)}, ${ptr(params.theta)}, ${f32(layer.relax)}, ${f32(1 - layer.relax)});`);
    out('  }');
  }
}
