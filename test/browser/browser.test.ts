/**
 * The browser example (examples/browser/) in headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core; no browser download): the page loads the ista-rademacher container
 * into the generic runtime, SIMD and scalar, and its output must agree with the float64
 * reference; a damaged container must show its diagnostic; a specialized build loaded through
 * the same API in the page must agree bit for bit with the generic runtime, and so must the
 * threaded build with its helper in a Web Worker. The page and the compiled API (dist/, so run
 * `npm run build` first) are served cross-origin isolated by a node:http server.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticModel } from '../../bench/synthetic-models.js';
import { buildModelInMemory } from '../../codegen/build.js';
import { writeContainer } from '../../compiler/container/write.js';
import type { IRModel } from '../../core/ir.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { TOLERANCE } from '../codegen/harness.js';
import { launchChromium, serve, type Chromium, type Served } from '../support/chromium.js';
import { staleDistFiles } from '../support/fresh-dist.js';

const model: IRModel = loadModel('examples/ista-rademacher/model.json').model;
const splitModel: IRModel = syntheticModel({ kind: 'dense', n: 256, layers: 4 });
const container = writeContainer(model);
const damaged = container.slice();
damaged[container.length >> 1] ^= 4;
/** Files served from memory under /generated/. */
const generated = new Map<string, Uint8Array>([['model.pibinn', container], ['damaged.pibinn', damaged]]);

let server: Served;
let browser: Chromium;

beforeAll(async () => {
  expect(staleDistFiles(['runtime', 'core']), 'stale or missing in dist/: run npm run build').toEqual([]);
  const built = await buildModelInMemory(model, { builds: ['simd'] });
  generated.set(`${model.name}.simd.wasm`, built.wasm.simd!);
  // A model whose products are big enough to be split (codegen/emit-threads.ts MIN_SPLIT_NNZ).
  const split = await buildModelInMemory(splitModel, { builds: ['simd'], threads: true });
  generated.set('split.simd.wasm', split.wasm.simd!);
  generated.set('split.threads.wasm', split.wasm.threads!);
  server = await serve((path) => path.startsWith('generated/') ? generated.get(path.slice('generated/'.length))
    : (path.startsWith('examples/') || path.startsWith('dist/')) && existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function openExample(query: string): Promise<{ page: Page; result: { name?: string; build?: string; output?: number[]; error?: string } }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${server.origin}/examples/browser/index.html?${query}`);
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 30_000 });
  expect(problems).toEqual([]);
  return { page, result: await page.evaluate(() => (window as unknown as { pibinnResult: never }).pibinnResult) };
}

const demoInput = Float32Array.from({ length: model.input.size }, (_, i) => Math.sin(0.37 * i));

describe('browser example in headless Chromium', () => {
  it.each(['auto', 'scalar'])('runs the ista-rademacher container (build %s) and agrees with the reference', async (build) => {
    const { page, result } = await openExample(`model=/generated/model.pibinn&build=${build}`);
    expect(result.name).toBe(model.name);
    expect(result.build).toBe(build === 'auto' ? 'simd' : build);
    expect(relativeL2(result.output!, evaluate(model, demoInput))).toBeLessThanOrEqual(TOLERANCE);
    await expect(page.textContent('#facts')).resolves.toContain('time per inference');
    await page.close();
  });

  it('shows the diagnostic of a damaged container', async () => {
    const { page, result } = await openExample('model=/generated/damaged.pibinn');
    expect(result.error).toBe('PB504');
    await expect(page.textContent('#status')).resolves.toMatch(/PB504: .*checksum mismatch/);
    await page.close();
  });

  it('loads a specialized build through the same API, bit for bit equal to the generic runtime', async () => {
    const { page, result } = await openExample('model=/generated/model.pibinn');
    // A string, so the test runner's transform leaves the page's dynamic import alone.
    const specialized: { kind: string; build: string; output: number[] } = await page.evaluate(`(async () => {
      const api = await import('/dist/runtime/index.js');
      const m = await api.loadSpecialized({ simd: '/generated/${model.name}.simd.wasm' }, { name: '${model.name}' });
      return { kind: m.kind, build: m.build, output: Array.from(m.infer(Float32Array.from(${JSON.stringify(Array.from(demoInput))}))) };
    })()`);
    expect([specialized.kind, specialized.build]).toEqual(['specialized', 'simd']);
    expect(specialized.output).toEqual(result.output);
    await page.close();
  });

  it('runs the threaded build with a Web Worker helper, bit for bit equal to the SIMD build', async () => {
    const { page } = await openExample('model=/generated/model.pibinn');
    const y = Array.from({ length: splitModel.input.size }, (_, i) => Math.sin(0.37 * i));
    const outcome: { isolated: boolean; simd: number[]; threaded: number[]; jobs: number } = await page.evaluate(`(async () => {
      const api = await import('/dist/runtime/index.js');
      const x = Float32Array.from(${JSON.stringify(y)});
      const simd = await api.loadSpecialized({ simd: '/generated/split.simd.wasm' });
      const threaded = await api.loadThreaded('/generated/split.threads.wasm');
      const output = Array.from(threaded.infer(x));
      for (let t = 0; t < 200; t++) threaded.infer(x);
      const jobs = new Int32Array(threaded.exports.memory.buffer, threaded.exports.job_ptr(), 16)[12];
      await threaded.close();
      return { isolated: crossOriginIsolated, simd: Array.from(simd.infer(x)), threaded: output, jobs };
    })()`);
    expect(outcome.isolated).toBe(true);
    expect(outcome.threaded).toEqual(outcome.simd);
    expect(outcome.jobs, 'chunks the helper ran').toBeGreaterThan(0);
    await page.close();
  });
});
