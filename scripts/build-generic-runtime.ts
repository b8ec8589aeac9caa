/**
 * Regenerates the prebuilt generic runtime (npm run build:runtime, from the repository root):
 * engine/prebuilt/pibinn-runtime.{simd,scalar}.wasm, their base64 modules, and the runtime's
 * built-in self-test data. test/engine/prebuilt.test.ts fails when these are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { genericRuntimeArtifacts } from '../codegen/generic-runtime.js';

for (const [path, contents] of await genericRuntimeArtifacts()) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  console.log(`wrote ${path} (${contents.length} ${typeof contents === 'string' ? 'characters' : 'bytes'})`);
}
