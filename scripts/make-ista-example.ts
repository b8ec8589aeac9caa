/**
 * Generates examples/ista-rademacher: classical ISTA for block-sparse compressed sensing with a
 * Rademacher (+-1) sensing operator, which a one-bit model represents exactly. Four independent
 * sensors (block-diagonal A, 64 x 128 blocks), n = 512, m = 256, K = 16 tied layers
 * x <- soft(x + W (y - A x), theta) with W = A^T. The scale c = 1 / ||S||_2 (S the sign matrix)
 * makes the step 1 / L = 1, so A and W share the single global scale with gain 1.
 * Writes model.json, inputs.npy (noisy measurements) and truth.npy (the sparse signals).
 *
 *   node dist-dev/scripts/make-ista-example.js (npm run make:examples)
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../compiler/io/npy.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'ista-rademacher');
const SENSORS = 4;
const BLOCK_M = 64;
const BLOCK_N = 128;
const N = SENSORS * BLOCK_N;
const M = SENSORS * BLOCK_M;
const LAYERS = 16;
const NONZEROS_PER_BLOCK = 4;
const NOISE = 0.01;
const SAMPLES = 32;

let seed = 20261125;
function uniform(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed + 0.5) / 2 ** 32;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Signs of A (M x N block-diagonal), as +-1 per block, row-major within each block. */
const blocks = Array.from({ length: SENSORS }, () => Float64Array.from({ length: BLOCK_M * BLOCK_N }, () => (uniform() < 0.5 ? -1 : 1)));

function spectralNorm(s: Float64Array, rows: number, cols: number): number {
  let v = new Float64Array(cols).fill(1);
  let sigma = 0;
  for (let it = 0; it < 200; it++) {
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) u[i] += s[i * cols + j] * v[j];
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[j] += s[i * cols + j] * u[i];
    const norm = Math.hypot(...w);
    sigma = Math.sqrt(norm);
    v = w.map((x) => x / norm);
  }
  return sigma;
}

const scale = 1 / Math.max(...blocks.map((b) => spectralNorm(b, BLOCK_M, BLOCK_N)));

/** Packs signs in canonical order (row by row; a block-diagonal row holds one block's row). */
function packSigns(entry: (k: number) => number, nnz: number): string {
  const bytes = new Uint8Array(Math.ceil(nnz / 8));
  for (let k = 0; k < nnz; k++) if (entry(k) < 0) bytes[k >> 3] |= 1 << (k & 7);
  return Buffer.from(bytes).toString('base64');
}
const aSigns = packSigns((k) => {
  const row = Math.floor(k / BLOCK_N);
  return blocks[Math.floor(row / BLOCK_M)][(row % BLOCK_M) * BLOCK_N + (k % BLOCK_N)];
}, M * BLOCK_N);
const wSigns = packSigns((k) => {
  const row = Math.floor(k / BLOCK_M); // row of W = column of A
  const block = Math.floor(row / BLOCK_N);
  return blocks[block][(k % BLOCK_M) * BLOCK_N + (row % BLOCK_N)];
}, N * BLOCK_M);

const theta = 0.02;
const model = {
  format: 'pibinn-model',
  version: 1,
  name: 'ista-rademacher',
  description: `ISTA (K = ${LAYERS}) for block-sparse compressed sensing: ${SENSORS} independent Rademacher sensors, n = ${N}, m = ${M}`,
  scale,
  state: N,
  input: { name: 'y', size: M },
  output: { name: 'x', size: N },
  matrices: {
    A: { rows: M, cols: N, structure: { kind: 'block-diagonal', blockRows: BLOCK_M, blockCols: BLOCK_N }, signs: { encoding: 'bits', data: aSigns } },
    W: { rows: N, cols: M, structure: { kind: 'block-diagonal', blockRows: BLOCK_N, blockCols: BLOCK_M }, signs: { encoding: 'bits', data: wSigns } },
  },
  layers: Array.from({ length: LAYERS }, () => ({
    terms: [{ matrix: 'W', source: 'residual' }],
    residual: { matrix: 'A' },
    skip: 1,
    threshold: { kind: 'soft', theta },
  })),
  metadata: {
    generator: 'scripts/make-ista-example.ts (no training: W = A^T, step 1/L = 1)',
    signal: `${NONZEROS_PER_BLOCK} Gaussian nonzeros per ${BLOCK_N}-entry block, measurement noise sigma ${NOISE}`,
  },
};

const truth = new Float32Array(SAMPLES * N);
const inputs = new Float32Array(SAMPLES * M);
for (let s = 0; s < SAMPLES; s++) {
  const x = truth.subarray(s * N, (s + 1) * N);
  for (let b = 0; b < SENSORS; b++) {
    for (let t = 0; t < NONZEROS_PER_BLOCK; t++) x[b * BLOCK_N + Math.floor(uniform() * BLOCK_N)] = gaussian();
  }
  for (let i = 0; i < M; i++) {
    const b = Math.floor(i / BLOCK_M);
    let sum = 0;
    for (let j = 0; j < BLOCK_N; j++) sum += blocks[b][(i % BLOCK_M) * BLOCK_N + j] * x[b * BLOCK_N + j];
    inputs[s * M + i] = scale * sum + NOISE * gaussian();
  }
}
writeFileSync(join(OUT, 'model.json'), `${JSON.stringify(model, null, 1)}\n`);
writeFileSync(join(OUT, 'inputs.npy'), encodeNpy(inputs, [SAMPLES, M]));
writeFileSync(join(OUT, 'truth.npy'), encodeNpy(truth, [SAMPLES, N]));
process.stdout.write(`wrote ${OUT} (scale ${scale.toPrecision(6)})\n`);
