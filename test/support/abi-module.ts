/**
 * Hand-written modules with the inference ABI (docs/abi.md), for tests of the JavaScript hosts:
 * input and output size 2, state size 2, max_batch 3; infer_batch writes 2 * x + 1 for each value
 * of the slots it runs and runs at most `limit` of them (a short run when limit < 3), or traps.
 */
import binaryen from 'binaryen';

export const ABI_MODULE_MAX_BATCH = 3;

export function abiModule({ limit = ABI_MODULE_MAX_BATCH, trap = false } = {}): Uint8Array<ArrayBuffer> {
  const getters = Object.entries({ input_ptr: 0, output_ptr: 1024, input_size: 2, output_size: 2, state_size: 2, max_batch: ABI_MODULE_MAX_BATCH, self_test: 0 })
    .map(([name, value]) => `(func (export "${name}") (result i32) (i32.const ${value}))`);
  const text = `(module
    (memory (export "memory") 1)
    ${getters.join('\n    ')}
    (func $batch (export "infer_batch") (param $n i32) (result i32) (local $ran i32) (local $i i32)
      ${trap ? 'unreachable' : ''}
      (local.set $ran (select (local.get $n) (i32.const ${limit}) (i32.lt_s (local.get $n) (i32.const ${limit}))))
      (if (i32.lt_s (local.get $ran) (i32.const 0)) (then (local.set $ran (i32.const 0))))
      (block $done (loop $next
        (br_if $done (i32.ge_s (local.get $i) (i32.mul (local.get $ran) (i32.const 2))))
        (f32.store offset=1024 (i32.shl (local.get $i) (i32.const 2))
          (f32.add (f32.mul (f32.load (i32.shl (local.get $i) (i32.const 2))) (f32.const 2)) (f32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (local.get $ran))
    (func (export "infer") (drop (call $batch (i32.const 1)))))`;
  const module = binaryen.parseText(text);
  try {
    if (!module.validate()) throw new Error('the test module does not validate');
    return new Uint8Array(module.emitBinary());
  } finally {
    module.dispose();
  }
}
