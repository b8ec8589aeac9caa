/**
 * Post-link step: adds the constant region (signs, tables, parameters, self-test vectors) to a
 * compiled module as one active data segment at its fixed offset, then optimizes and validates
 * with binaryen. Putting multi-MB payloads in a segment keeps them out of the AssemblyScript
 * source (the compiler handles huge array literals badly) and costs no compile time.
 */
import binaryen from 'binaryen';
import { fail } from '../core/diagnostics/diagnostic.js';
import { type Flavor, flavorFeatures } from './compile-as.js';

/** binaryen inlines a function with one caller only below this size (asc's -O3 value). */
const ONE_CALLER_INLINE_MAX_SIZE = 200;

/** Data-segment accessors binaryen.js 132 has but its typings do not declare. */
interface DataSegmentApi {
  getNumDataSegments(): number;
  getDataSegmentByIndex(index: number): number;
  getDataSegmentInfo(segment: number): { offset: number | null; data: ArrayBuffer; passive: boolean };
}

/**
 * `threads`: the module imports its shared memory (compile-as.ts threadFlags); the import is
 * kept, and its active segments are applied again by every instance (the same bytes each time).
 */
export function embedConstants(
  wasm: Uint8Array, constants: Uint8Array, offset: number, flavor: Flavor, file: string, threads = false,
): { bytes: Uint8Array<ArrayBuffer>; memoryPages: number } {
  const module = binaryen.readBinary(wasm);
  try {
    module.setFeatures(flavorFeatures(flavor, threads));
    const api = module as unknown as DataSegmentApi;
    // An empty constant region (kept outside linear memory by the MCU flash layout) adds no segment.
    const segments: binaryen.MemorySegment[] = constants.length === 0 ? [] : [{ offset: module.i32.const(offset), data: constants, passive: false }];
    for (let i = 0; i < api.getNumDataSegments(); i++) {
      const info = api.getDataSegmentInfo(api.getDataSegmentByIndex(i));
      if (info.passive || info.offset === null || info.offset < offset + constants.length) {
        fail({ code: 'PB602', file, message: `the compiler placed static data at ${info.offset}, inside the constant region` });
      }
      segments.push({ offset: module.i32.const(info.offset), data: new Uint8Array(info.data), passive: false });
    }
    const memory = module.getMemoryInfo();
    // setMemory replaces the memory and its segments; the export is re-added under the same name.
    module.removeExport('memory');
    if (threads) {
      // asc names an imported memory in its text form only: setMemory must reuse that name.
      const name = /\(memory \$(\S+)/.exec(module.emitText())?.[1] ?? '0';
      module.setMemory(memory.initial, memory.max ?? -1, 'memory', segments, true, false, name);
      module.addMemoryImport(name, 'env', 'memory', true);
    } else {
      module.setMemory(memory.initial, memory.max ?? -1, 'memory', segments);
    }
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    // Keep each matrix's product its own function, as asc's -O3 does (200): binaryen.js's default
    // inlines every single-caller function, which merged all products into one giant function
    // that V8 compiled 1.65x slower at batch 1 (dense n = 1024, SIMD: 610 -> 370 us).
    const previousInlineSize = binaryen.getOneCallerInlineMaxSize();
    binaryen.setOneCallerInlineMaxSize(ONE_CALLER_INLINE_MAX_SIZE);
    try {
      module.optimize();
    } finally {
      binaryen.setOneCallerInlineMaxSize(previousInlineSize); // a process-wide setting
    }
    if (!module.validate()) {
      fail({ code: 'PB602', file, message: `the ${flavor} module does not validate after embedding its constants` });
    }
    return { bytes: new Uint8Array(module.emitBinary()), memoryPages: memory.initial };
  } finally {
    module.dispose();
  }
}
