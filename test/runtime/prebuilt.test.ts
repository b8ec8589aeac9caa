/**
 * The prebuilt generic runtime: up to date with its sources (which also proves the build is
 * deterministic, since the committed files were built by another process), import-free, the
 * scalar build free of SIMD opcodes, and the built-in self-test passing in V8 and in wabt's
 * wasm-interp. (Its status codes are generated from core/constants.ts: test/architecture.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateWasm } from '../../codegen/compile-as.js';
import { genericRuntimeArtifacts, SELF_TEST_INPUT } from '../../codegen/generic-runtime.js';
import { FLAVORS, instantiateRuntime, prebuiltBytes } from './raw-runtime.js';

/** The output spec section 8 states for the minimal example and SELF_TEST_INPUT. */
const SPEC_OUTPUT = [-0.325, -0.409375, -0.45625, -0.3875];

describe('prebuilt generic runtime', () => {
  it('is up to date with runtime-as/ and codegen/generic-runtime.ts (run `npm run build:runtime`)', async () => {
    for (const [path, contents] of await genericRuntimeArtifacts()) {
      const committed = typeof contents === 'string' ? readFileSync(path, 'utf8') : new Uint8Array(readFileSync(path));
      expect(committed, `${path} is stale`).toEqual(contents);
    }
  }, 60_000);

  it.each(FLAVORS)('%s build imports nothing, validates with its features only, and exports the documented ABI', (flavor) => {
    const bytes = prebuiltBytes(flavor);
    validateWasm(bytes, flavor, flavor); // the scalar build fails here if it holds a single SIMD opcode
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual([
      'alloc_container', 'batch_group', 'error_code', 'error_detail', 'error_info', 'error_offset', 'infer', 'infer_batch', 'input_ptr', 'input_size',
      'is_loaded', 'load', 'max_batch', 'memory', 'model_name_length', 'model_name_ptr', 'output_ptr', 'output_size', 'plan_query', 'self_test',
      'set_option', 'state_ptr', 'state_size',
    ]);
  });

  it.each(FLAVORS)('%s build passes its self-test and then runs the spec example to the stated output', async (flavor) => {
    const m = await instantiateRuntime(flavor);
    expect(m.infer()).toBe(9); // no model yet
    expect(m.self_test()).toBe(0);
    new Float32Array(m.memory.buffer, m.input_ptr(), 4).set(SELF_TEST_INPUT);
    expect(m.infer()).toBe(0);
    const output = Array.from(new Float32Array(m.memory.buffer, m.output_ptr(), 4));
    output.forEach((value, i) => expect(value).toBeCloseTo(SPEC_OUTPUT[i], 6));
  });

  it.each(FLAVORS)('%s build passes its self-test under wabt wasm-interp', (flavor) => {
    const printed = execFileSync('wasm-interp', ['--run-all-exports', `engine/prebuilt/pibinn-runtime.${flavor}.wasm`], { encoding: 'utf8' });
    expect(printed).toContain('self_test() => i32:0');
    expect(printed).toContain('infer() => i32:9'); // called before self_test: no model, no trap
  });

});
