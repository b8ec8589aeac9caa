/**
 * The MCU target: a folder a firmware project compiles as is (two .c files), made from the
 * scalar WebAssembly build through wasm2c, with pibinn's bare-metal wasm2c runtime and a plain C
 * API (init, input, run, output, self_test). See docs/mcu.md.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { fail } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { flavorFeatures } from '../compile-as.js';
import type { MemoryLayout } from '../layout.js';
import { type ApiNames, apiNames, emitApiHeader, emitApiSource } from './emit-api.js';
import { compileMcuWasm, type McuLayout, mcuSourceDir } from './compile-wasm.js';
import { wasmToC } from './wasm2c.js';

export type { McuLayout } from './compile-wasm.js';

export interface McuTargetOptions {
  readonly outDir: string;
  /** `flash` (default): weights stay in flash, RAM holds only the mutable buffers. `ram`: the web build as is. */
  readonly layout?: McuLayout;
  /**
   * `minimal` (default): the arena is as large as the module's buffers and data, which may be
   * less than its 64 KiB page; `page`: the full declared pages (exact WebAssembly semantics).
   */
  readonly arena?: 'minimal' | 'page';
  /** Default of the generated bounds-check switch (default true). */
  readonly boundsChecks?: boolean;
  /** Test vectors embedded for `<prefix>_self_test` (default 1: each costs 4 * (input + output) bytes of flash). */
  readonly selfTestVectors?: number;
}

export interface McuTarget {
  readonly outDir: string;
  readonly names: ApiNames;
  /** Files written, relative to outDir; `sources` are the ones to compile. */
  readonly files: { readonly sources: readonly string[]; readonly headers: readonly string[]; readonly included: readonly string[] };
  readonly layout: MemoryLayout;
  readonly layoutKind: McuLayout;
  /** Bytes of RAM the linear memory takes. */
  readonly arenaBytes: number;
  /** Bytes of the constant region (weights, parameters, self-test vectors). */
  readonly constantsBytes: number;
  readonly wasmBytes: number;
  readonly wasm2cVersion: string;
}

const ALIGN = 16;
const PAGE = 65536;

export async function buildMcuTarget(model: IRModel, options: McuTargetOptions): Promise<McuTarget> {
  const layoutKind = options.layout ?? 'flash';
  const wasm = await compileMcuWasm(model, layoutKind, 1, options.selfTestVectors ?? 1);
  const names = apiNames(model);
  const used = Math.max(wasm.layout.memoryBase, dataSegmentsEnd(wasm.bytes));
  const arenaBytes = options.arena === 'page' ? wasm.layout.memoryPages * PAGE : Math.ceil(used / ALIGN) * ALIGN;
  const c = wasmToC(wasm.bytes, names.module, names.wasmHeader);
  const flashConstants = layoutKind === 'flash' ? wasm.constants : undefined;
  const api = emitApiSource(model, wasm.layout, names, { arenaBytes, boundsChecks: options.boundsChecks ?? true, flashConstants });

  const runtimeDir = join(mcuSourceDir(), 'runtime');
  const files = {
    sources: [`${names.prefix}.c`, 'pibinn_wasm_rt.c'],
    headers: [`${names.prefix}.h`, 'pibinn_wasm_rt.h', names.wasmHeader, 'wasm-rt.h'],
    included: [names.wasmInclude],
  };
  try {
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(join(options.outDir, `${names.prefix}.h`), emitApiHeader(model, wasm.layout, names));
    writeFileSync(join(options.outDir, `${names.prefix}.c`), api);
    writeFileSync(join(options.outDir, names.wasmInclude), c.source);
    writeFileSync(join(options.outDir, names.wasmHeader), c.header);
    writeFileSync(join(options.outDir, 'wasm-rt.h'), c.runtimeHeader);
    for (const f of ['pibinn_wasm_rt.c', 'pibinn_wasm_rt.h']) copyFileSync(join(runtimeDir, f), join(options.outDir, f));
  } catch (error) {
    fail({ code: 'PB003', file: options.outDir, message: `cannot write the MCU target: ${(error as Error).message}` });
  }
  return {
    outDir: options.outDir,
    names,
    files,
    layout: wasm.layout,
    layoutKind,
    arenaBytes,
    constantsBytes: wasm.constants.length,
    wasmBytes: wasm.bytes.length,
    wasm2cVersion: c.version,
  };
}

/** Data-segment accessors binaryen.js 132 has but its typings do not declare. */
interface DataSegmentApi {
  getNumDataSegments(): number;
  getDataSegmentByIndex(index: number): number;
  getDataSegmentInfo(segment: number): { offset: number | null; data: ArrayBuffer };
}

/** End of the highest active data segment (the compiler's static data sits above the buffers). */
function dataSegmentsEnd(wasm: Uint8Array): number {
  const module = binaryen.readBinary(wasm);
  try {
    module.setFeatures(flavorFeatures('scalar'));
    const api = module as unknown as DataSegmentApi;
    let end = 0;
    for (let i = 0; i < api.getNumDataSegments(); i++) {
      const info = api.getDataSegmentInfo(api.getDataSegmentByIndex(i));
      end = Math.max(end, (info.offset ?? 0) + info.data.byteLength);
    }
    return end;
  } finally {
    module.dispose();
  }
}
