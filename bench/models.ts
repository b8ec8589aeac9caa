/**
 * The benchmark's models: every shipped example and the synthetic sweep of the performance notes
 * (K = 10, untied W_k, shared B, m = n/2), and the work one inference does.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IRModel } from '../core/ir.js';
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

