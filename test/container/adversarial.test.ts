/**
 * Valid but adversarial models: tens of thousands of blocks side by side on one row, tens of
 * thousands of matrices, tens of thousands of layers. Each must load from model.json, write,
 * verify (`check`), plan and load in the embedding API in about linear time: the quadratic
 * checks these replaced took 18 s (blocks) and 54 s (matrices) at these sizes. The bound is
 * generous (a loaded CI machine) and still an order of magnitude below a quadratic cost.
 */
import { describe, expect, it } from 'vitest';
import { readContainer } from '../../compiler/container/read.js';
import { verifyContainer } from '../../compiler/container/verify.js';
import { writeContainer } from '../../compiler/container/write.js';
import { loadModelFromText } from '../../compiler/load/load-model.js';
import { planModel } from '../../compiler/plan/plan-model.js';
import { loadContainer } from '../../runtime/index.js';

const SECONDS = 3;

function modelJson(matrices: Record<string, unknown>, layers: unknown[], state: number, inputSize: number): string {
  return JSON.stringify({
    format: 'pibinn-model', version: 1, name: 'adversarial', scale: 0.5, state,
    input: { name: 'y', size: inputSize }, output: { name: 'x', size: state }, matrices, layers,
  });
}

/** Runs each stage, returning its seconds. */
async function stages(text: string): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const time = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await run();
    seconds[name] = (performance.now() - start) / 1000;
    return result;
  };
  const { model } = await time('load model.json', () => loadModelFromText(text, 'adversarial.json', '.'));
  const bytes = await time('write', () => writeContainer(model));
  await time('check', () => verifyContainer(bytes, 'adversarial.pibinn'));
  await time('read', () => readContainer(bytes, 'adversarial.pibinn'));
  await time('plan', () => planModel(model, { flavors: ['scalar'] }));
  const loaded = await time('loadContainer', () => loadContainer(bytes, { build: 'scalar' }));
  expect(loaded.infer(new Float32Array(loaded.inputSize)).every(Number.isFinite)).toBe(true);
  return seconds;
}

function expectFast(seconds: Record<string, number>): void {
  for (const [stage, s] of Object.entries(seconds)) expect(s, `${stage}: ${s.toFixed(3)} s`).toBeLessThan(SECONDS);
}

describe('adversarial valid models verify in about linear time', () => {
  it('16,384 one-entry blocks side by side on one row', async () => {
    const n = 16384;
    const blocks = Array.from({ length: n }, (_, j) => [0, j, 1, 1]);
    const text = modelJson(
      { B: { rows: 1, cols: n, structure: { kind: 'blocks', blocks }, signs: { encoding: 'bits', data: Buffer.alloc(n / 8, 0x5a).toString('base64') } } },
      [{ terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'none' } }], 1, n);
    expectFast(await stages(text));
  }, 60_000);

  it('40,000 matrices, one term each in one layer', async () => {
    const n = 40000;
    const matrices = Object.fromEntries(Array.from({ length: n }, (_, i) => [`M${i}`, { rows: 1, cols: 1, structure: { kind: 'dense' }, signs: { encoding: 'bits', data: 'AA==' } }]));
    const terms = Array.from({ length: n }, (_, i) => ({ matrix: `M${i}`, source: 'input' }));
    expectFast(await stages(modelJson(matrices, [{ terms, threshold: { kind: 'none' } }], 1, 1)));
  }, 60_000);

  it('50,000 layers over one tied matrix', async () => {
    const layers = Array.from({ length: 50000 }, () => ({ terms: [{ matrix: 'W', source: 'state' }, { matrix: 'B', source: 'input' }], threshold: { kind: 'soft', theta: 0.1 } }));
    const matrices = {
      W: { rows: 8, cols: 8, structure: { kind: 'banded', lower: 1, upper: 1 }, signs: { encoding: 'bits', data: 'AAAA' } },
      B: { rows: 8, cols: 8, structure: { kind: 'dense' }, signs: { encoding: 'bits', data: 'AAAAAAAAAAA=' } },
    };
    expectFast(await stages(modelJson(matrices, layers, 8, 8)));
  }, 60_000);
});
