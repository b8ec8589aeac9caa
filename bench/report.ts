/** The benchmark's markdown: batch-1 and batch-32 tables with ratios, bounds, and sizes. */
import type { MachineBounds } from './bounds.js';
import type { BenchRow } from './inference.js';

interface Result {
  date: string;
  node: string;
  batch: number;
  bounds: MachineBounds;
  rows: BenchRow[];
}

const L3_BYTES = 32 * 1024 * 1024;

/** Seconds per inference the applicable bound allows: the slower of instruction rate and sign-bit streaming. */
export function boundSeconds(row: BenchRow, bounds: MachineBounds): number {
  const rate: Record<string, number> = {
    lut8: 8 * bounds.lookupsPerSecond,
    lut4: 4 * bounds.lookupsPerSecond,
    // Flip-and-add forms: one f32x4.add per 4 weights.
    'flip-add': 4 * bounds.vectorAddsPerSecond,
    diagonal: 4 * bounds.vectorAddsPerSecond,
  };
  const compute = Object.entries(row.nnzByKernel).reduce((t, [kernel, nnz]) => t + nnz / rate[kernel], 0);
  const signBytes = row.nnzPerInference / 8;
  const memory = signBytes / (signBytes > L3_BYTES ? bounds.dramReadBytesPerSecond : bounds.cacheReadBytesPerSecond);
  return Math.max(compute, memory);
}

const us = (t: number | null | undefined): string => (t == null ? 'skipped' : (t * 1e6).toFixed(t < 1e-4 ? 2 : 1));
const ratio = (peer: number | null | undefined, ours: number | null | undefined): string => (peer == null || ours == null ? '-' : `${(peer / ours).toFixed(1)}x`);
const gw = (nnz: number, t: number | null | undefined): string => (t == null ? '-' : (nnz / t / 1e9).toFixed(1));
const kib = (bytes: number | null): string => (bytes === null ? '-' : (bytes / 1024).toFixed(1));

function timingTable(rows: BenchRow[], suffix: string, bounds: MachineBounds | null): string[] {
  const peers = ['ort-node-1t', 'ort-node-2t', 'ort-web-simd'];
  const graphs = ['dense', 'structured'];
  // Ours on 2 cores: at batch 1 the threaded build (products split by rows), at batch 32 the batch split over 2 workers.
  const twoCores = suffix === 'b1' ? 'simd-2t' : 'simd-2w';
  const header = ['model', 'kernels (SIMD)', 'nnz / inference', 'SIMD', 'G w/s', ...(bounds ? ['of bound'] : []), 'scalar', 'generic SIMD',
    suffix === 'b1' ? 'SIMD 2 threads' : 'SIMD 2 workers', ...(suffix === 'b1' ? ['JS dense f32', 'int8 dense WASM SIMD'] : []),
    ...graphs.flatMap((g) => peers.map((p) => `${p} ${g}`)), 'ORT 2t dense / SIMD', 'ORT 2t structured / SIMD', 'ORT 2t dense / ours 2 cores', 'ORT 2t structured / ours 2 cores'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const s = (engine: string) => r.seconds[`${engine} ${suffix}`];
    const ours = s('simd');
    const kernels = Object.keys(r.nnzByKernel).join(', ');
    const cells = [r.model, kernels, r.nnzPerInference.toLocaleString('en-US'), us(ours), gw(r.nnzPerInference, ours)];
    if (bounds) cells.push(ours == null ? '-' : `${Math.round((100 * boundSeconds(r, bounds)) / ours)} %`);
    cells.push(us(s('scalar')), us(s('generic-simd')));
    cells.push(us(s(twoCores)), ...(suffix === 'b1' ? [us(s('js-dense-f32')), us(s('wasm-int8-dense'))] : []));
    for (const g of graphs) for (const p of peers) cells.push(g === 'structured' && r.bytes.onnxStructured === null ? 'n/a' : us(s(`${p} ${g}`)));
    cells.push(ratio(s('ort-node-2t dense'), ours), ratio(s('ort-node-2t structured'), ours));
    cells.push(ratio(s('ort-node-2t dense'), s(twoCores)), ratio(s('ort-node-2t structured'), s(twoCores)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The bit-serial rows (models with a `bit-serial-k*` engine): batch-1 time, rate and error next to the float SIMD build. */
function bitSerialTable(rows: BenchRow[]): string[] {
  const lines = ['| model | engine | us | G w/s | float SIMD us | float SIMD / bit-serial | max relative error |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    for (const engine of Object.keys(r.maxRelativeError).filter((e) => e.startsWith('bit-serial'))) {
      const t = r.seconds[`${engine} b1`];
      lines.push(`| ${r.model} | ${engine} | ${us(t)} | ${gw(r.nnzPerInference, t)} | ${us(r.seconds['simd b1'])} | ${ratio(r.seconds['simd b1'], t)} | ${r.maxRelativeError[engine].toExponential(1)} |`);
    }
  }
  return lines.length > 2 ? ['## Bit-serial, k-bit activations (batch 1)', '', ...lines, ''] : [];
}

export function renderTables(result: Result): string {
  const { bounds, rows, batch } = result;
  const sizes = ['| model | SIMD .wasm (KiB) | SIMD code (KiB) | scalar .wasm (KiB) | scalar code (KiB) | .pibinn (KiB) | ONNX dense (KiB) | ONNX structured (KiB) | ONNX dense / .pibinn |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const b = r.bytes;
    sizes.push(`| ${r.model} | ${kib(b.simdWasm)} | ${kib(b.simdCode)} | ${kib(b.scalarWasm)} | ${kib(b.scalarCode)} | ${kib(b.container)} | ${kib(b.onnxDense)} | ${kib(b.onnxStructured)} | ${(b.onnxDense / b.container).toFixed(0)}x |`);
  }
  const skips = rows.flatMap((r) => Object.entries(r.skipped).map(([engine, why]) => `- ${r.model}: ${engine} skipped (${why})`));
  return [
    `## Batch 1 (us per inference)`,
    '',
    ...timingTable(rows, 'b1', bounds),
    '',
    `## Batch ${batch} (us per input)`,
    '',
    ...timingTable(rows, `b${batch}`, null),
    '',
    ...bitSerialTable(rows),
    '## Sizes',
    '',
    ...sizes,
    '',
    '## Machine bounds (measured in this run, one thread, WebAssembly SIMD)',
    '',
    `- f32x4.add: ${(bounds.vectorAddsPerSecond / 1e9).toFixed(2)} G/s (${((4 * bounds.vectorAddsPerSecond) / 1e9).toFixed(1)} GFLOP/s)`,
    `- v128 read + add: ${(bounds.cacheReadBytesPerSecond / 1e9).toFixed(1)} GB/s from cache (256 KiB), ${(bounds.dramReadBytesPerSecond / 1e9).toFixed(1)} GB/s from DRAM (256 MiB)`,
    `- table load + add (LUT8 inner step, 4 chains): ${(bounds.lookupsPerSecond / 1e9).toFixed(2)} G/s, i.e. ${((8 * bounds.lookupsPerSecond) / 1e9).toFixed(1)} G weights/s for LUT8`,
    `- bit-serial row step at k = 8: ${(bounds.popcnt64WeightsPerSecond / 1e9).toFixed(1)} G weights/s with i64.popcnt, ${(bounds.popcnt8x16WeightsPerSecond / 1e9).toFixed(1)} with i8x16.popcnt (the SIMD kernel uses i8x16.popcnt on rows of 128+ byte-aligned weights)`,
    '',
    '"of bound": the time the bound that applies allows (per kernel: LUT8 8 weights and LUT4 4 weights per table step, flip-and-add 4 weights per f32x4.add; or streaming the sign bits from cache / DRAM, whichever is slower) over the measured SIMD time.',
    '',
    ...(skips.length > 0 ? ['Skipped peers:', '', ...skips, ''] : []),
    `Median of 7 samples per engine, taken round-robin in one run (${result.date}, Node ${result.node}); 2 shared cores, so compare ratios within this run only. Our engines: time of the WebAssembly call (inputs already in linear memory). ORT: session.run with a new input tensor. Batch ${batch} on our engines: models whose ${batch} input + output vectors exceed the 4 MiB default batch buffers run max_batch() inputs per call, timed per input. nnz / inference counts each structural nonzero a product visits (a product with y shared by layers once). Every engine's outputs were checked against the float64 reference (max relative L2 error in inference.json).`,
    '',
  ].join('\n');
}
