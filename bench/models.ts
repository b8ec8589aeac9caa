/**
 * The benchmark's models: every shipped example and the synthetic sweep of the performance notes
 * (K = 10, untied W_k, shared B, m = n/2), and the work one inference does.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelChoice } from '../codegen/kernel-selection.js';
import type { IRMatrix, IRModel } from '../core/ir.js';
import { loadModel } from '../compiler/load/load-model.js';
import { syntheticModel, type SyntheticSpec } from './synthetic-models.js';

const QUICK: SyntheticSpec[] = [{ kind: 'dense', n: 256 }, { kind: 'block-diagonal', n: 1024, block: 64 }];
const SWEEP: SyntheticSpec[] = [
  ...[256, 1024, 4096].map((n): SyntheticSpec => ({ kind: 'dense', n })),
  ...[16, 64, 256].flatMap((block) => [1024, 4096, 16384, 65536].map((n): SyntheticSpec => ({ kind: 'block-diagonal', n, block }))),
  { kind: 'banded', n: 4096, block: 8 },
];

export function benchModels(quick: boolean): IRModel[] {
  const examples = readdirSync('examples', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join('examples', d.name, 'model.json')))
    .map((d) => loadModel(join('examples', d.name, 'model.json')).model);
  return [...examples, ...(quick ? QUICK : SWEEP).map((spec) => syntheticModel(spec))];
}

/**
 * Structural nonzeros one inference visits, in total and per (SIMD) kernel: each layer's terms
 * and residual and the readout, with a product with y that several layers share counted once
 * (the modules compute it once), as are the state terms of layer 1 (x_0 = 0: skipped).
 */
export function workPerInference(model: IRModel, kernels: readonly KernelChoice[]): { nnz: number; byKernel: Record<string, number> } {
  const byKernel: Record<string, number> = {};
  let nnz = 0;
  const add = (m: IRMatrix): void => {
    const kernel = kernels.find((k) => k.matrix === m.id)!.kernel.simd;
    byKernel[kernel] = (byKernel[kernel] ?? 0) + m.nnz;
    nnz += m.nnz;
  };
  const productsWithY = new Set<IRMatrix>();
  model.layers.forEach((layer, l) => {
    for (const t of layer.terms) {
      if (t.source === 'state' && l === 0) continue;
      if (t.source === 'input') {
        if (productsWithY.has(t.matrix)) continue;
        productsWithY.add(t.matrix);
      }
      add(t.matrix);
    }
    if (layer.residual !== undefined && l > 0) add(layer.residual);
  });
  if (model.readout !== undefined) add(model.readout);
  return { nnz, byKernel };
}
