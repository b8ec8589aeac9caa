/**
 * The scalar WebAssembly module an MCU runs, in one of two layouts:
 * - `ram`: exactly the web scalar build; its constants (signs, tables, parameters, self-test
 *   vectors) are a data segment, so wasm2c stores them in flash AND copies them into the linear
 *   memory in RAM at instantiation.
 * - `flash`: linear memory holds only the mutable buffers; the kernels are compiled against
 *   mcu/as/constants.ts, which reads the constant region through two imports the generated C
 *   serves from a `const` array in flash.
 * Either build must pass its embedded self-test in this process before it is returned.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSelfTest } from '../build.js';
import type { IRModel } from '../../core/ir.js';
import { compileAssemblyScript } from '../compile-as.js';
import { embedConstants } from '../embed-constants.js';
import { emitModuleSource } from '../emit-module.js';
import { type MemoryLayout, planMemory } from '../layout.js';
import { planModel } from '../../compiler/plan/plan-model.js';
import { RUNTIME_DIR, runtimeSources } from '../runtime-sources.js';
import { selfTestVectors } from '../self-test-vectors.js';

export type McuLayout = 'flash' | 'ram';

export interface McuWasm {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly layout: MemoryLayout;
  /** The constant region's bytes, starting at `layout.constantsOffset`. */
  readonly constants: Uint8Array;
}

// From codegen/mcu/ (vitest) or dist/codegen/mcu/ (compiled), mcu/ sits two or three levels up.
const MCU_DIRS = ['../../mcu/', '../../../mcu/'];

/** The repository's mcu/ directory (C runtime, firmware, AssemblyScript replacement). */
export function mcuSourceDir(): string {
  const dir = MCU_DIRS.map((d) => fileURLToPath(new URL(d, import.meta.url))).find((d) => existsSync(`${d}as/constants.ts`));
  if (dir === undefined) throw new Error(`mcu/ sources not found next to ${fileURLToPath(import.meta.url)}`);
  return dir;
}

/** `selfTestCount`: vectors embedded for self_test (each costs 4 * (input + output) bytes of flash). */
export async function compileMcuWasm(model: IRModel, layoutKind: McuLayout, maxBatch: number, selfTestCount: number): Promise<McuWasm> {
  const inMemory = layoutKind === 'ram';
  const tests = selfTestVectors(model, selfTestCount);
  // No table scratch on the MCU: every product runs flip-and-add from the weights in flash.
  const plan = planModel(model, { flavors: ['scalar'], tableBytesLimit: 0, maxBatch });
  const memory = planMemory(plan, tests, model.name, { constantsInLinearMemory: inMemory });
  const files = new Map(runtimeSources());
  if (!inMemory) files.set(`${RUNTIME_DIR}/constants.ts`, readFileSync(`${mcuSourceDir()}as/constants.ts`, 'utf8'));
  files.set('module.ts', emitModuleSource(plan, memory));
  const file = `${model.name}.mcu-${layoutKind}.wasm`;
  const compiled = await compileAssemblyScript(files, 'module.ts', 'scalar', ['--memoryBase', String(memory.layout.memoryBase)], file);
  const segment = inMemory ? memory.constants : new Uint8Array(0);
  const { bytes, memoryPages } = embedConstants(compiled, segment, memory.layout.constantsOffset, 'scalar', file);
  const layout: MemoryLayout = { ...memory.layout, memoryPages };
  await checkSelfTest(bytes, file, constantImports(memory.constants, layout.constantsOffset));
  return { bytes, layout, constants: memory.constants };
}

/** Host imports of a flash-layout module, reading `constants` (which starts at address `offset`). */
function constantImports(constants: Uint8Array, offset: number): { env: Record<string, (address: number) => number | bigint> } {
  const view = new DataView(constants.buffer, constants.byteOffset, constants.byteLength);
  return {
    env: {
      const_u32: (address) => view.getUint32(address - offset, true),
      const_u64: (address) => view.getBigUint64(address - offset, true),
    },
  };
}
