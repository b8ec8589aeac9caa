/**
 * The independently written conformance models (copied from the project's shared conformance
 * set into test/fixtures/conformance) and how every suite loads them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type LoadedModel } from '../../compiler/load/load-model.js';

export const CONFORMANCE_DIR = fileURLToPath(new URL('../fixtures/conformance/', import.meta.url));

export const CONFORMANCE_MODELS: readonly string[] = readdirSync(CONFORMANCE_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/**
 * blockdiag-iht lists a matrix (W0) that no layer uses, which spec section 4 makes an error
 * (PB208). The fixture set says every model must be accepted; the loader keeps the spec's rule
 * and accepts such models only with `allowUnused` (CLI `--allow-unused`), so they load that way here.
 * test/load/conformance-load.test.ts asserts the default rejection.
 */
export const HAS_UNUSED_MATRIX: ReadonlySet<string> = new Set(['blockdiag-iht']);

export function loadConformanceModel(name: string): LoadedModel {
  return loadModel(join(CONFORMANCE_DIR, name, 'model.json'), { allowUnused: HAS_UNUSED_MATRIX.has(name) });
}
