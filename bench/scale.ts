/**
 * Scale benchmark for the compiler: a model with 64 M structural nonzeros (four 65536 x 65536
 * block-diagonal matrices, 256 x 256 blocks, signs in external .npy files) is generated in a temp
 * folder and compiled by the real CLI in a child process, which reports its wall time and peak
 * RSS. Results go to bench/results/scale.json and scale.md.
 *
 *   npm run bench:scale [-- --n 65536 --block 256 --matrices 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeNpy } from '../compiler/io/npy.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { n: { type: 'string', default: '65536' }, block: { type: 'string', default: '256' }, matrices: { type: 'string', default: '4' } },
});
const n = Number(values.n);
const block = Number(values.block);
const matrixCount = Number(values.matrices);

const dir = mkdtempSync(join(tmpdir(), 'pibinn-scale-'));
try {
  const nnzPerMatrix = n * block;
  const signBytes = Math.ceil(nnzPerMatrix / 8);
  const matrices: Record<string, unknown> = {};
  const ids = Array.from({ length: matrixCount }, (_, k) => (k === 0 ? 'B' : `W${k}`));
  let seed = 12345;
  for (const id of ids) {
    process.stderr.write(`generating ${id}.bits.npy (${(signBytes / 2 ** 20).toFixed(1)} MiB)\n`);
    const bits = new Uint8Array(signBytes);
    for (let i = 0; i < bits.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      bits[i] = seed >>> 24;
    }
    writeFileSync(join(dir, `${id}.bits.npy`), encodeNpy(bits, [bits.length]));
    matrices[id] = {
      rows: n,
      cols: n,
      structure: { kind: 'block-diagonal', blockRows: block, blockCols: block },
      signs: { encoding: 'bits', file: `${id}.bits.npy` },
    };
  }
  const layers = [
    { terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'soft', theta: 0.01 } },
    ...ids.slice(1).map((id) => ({
      terms: [{ matrix: id, source: 'state' }, { matrix: 'B', source: 'input' }],
      threshold: { kind: 'soft', theta: 0.01 },
    })),
  ];
  const model = {
    format: 'pibinn-model', version: 1, name: 'scale', scale: 0.001, state: n,
    input: { name: 'y', size: n }, output: { name: 'x', size: n }, matrices, layers,
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));

  process.stderr.write(`compiling ${matrixCount} x ${n} x ${n} block-diagonal (${block} x ${block}), ${(nnzPerMatrix * matrixCount / 1e6).toFixed(1)} M nonzeros\n`);
  const child = spawnSync(process.execPath, [join(here, 'measure-compile.js'), join(dir, 'model.json'), join(dir, 'scale.pibinn')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`compile failed with exit code ${child.status}`);
  const measured = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number; maxRssMiB: number; baselineRssMiB: number };
  const nnz = nnzPerMatrix * matrixCount;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    model: { n, block, matrices: matrixCount, nnz, signMiB: (nnz / 8) / 2 ** 20 },
    containerBytes: statSync(join(dir, 'scale.pibinn')).size,
    seconds: measured.seconds,
    nonzerosPerSecond: nnz / measured.seconds,
    peakRssMiB: measured.maxRssMiB,
    baselineRssMiB: measured.baselineRssMiB,
    rssOverSignBytes: (measured.maxRssMiB - measured.baselineRssMiB) / ((nnz / 8) / 2 ** 20),
  };
  const outDir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  const table = [
    '| nonzeros | sign bits | container | compile time | throughput | peak RSS | RSS above node baseline / sign bytes |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${(nnz / 1e6).toFixed(1)} M | ${result.model.signMiB.toFixed(1)} MiB | ${(result.containerBytes / 2 ** 20).toFixed(1)} MiB | ${result.seconds.toFixed(2)} s | ${(result.nonzerosPerSecond / 1e6).toFixed(0)} M nnz/s | ${result.peakRssMiB.toFixed(0)} MiB | ${result.rssOverSignBytes.toFixed(1)}x |`,
  ].join('\n');
  writeFileSync(join(outDir, 'scale.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
