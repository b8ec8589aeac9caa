/** The report's runtime section for a specialized build: sizes read off the built modules. */
import { kernelReasonText } from '../compiler/plan/describe.js';
import type { RuntimeFootprint } from '../compiler/report/runtime.js';
import type { BuiltModule, ModuleKind } from './build.js';
import { wasmSectionSizes } from './wasm-sections.js';

const WASM_PAGE_BYTES = 65536;

export function runtimeFootprint(built: BuiltModule): RuntimeFootprint {
  const { layout, plan } = built;
  const flavors = (['simd', 'scalar', 'threads'] as const).filter((kind: ModuleKind) => built.wasm[kind] !== undefined);
  const last = layout.buffers.at(-1);
  return {
    kind: 'specialized',
    builds: flavors.map((flavor) => {
      const bytes = built.wasm[flavor]!;
      return { flavor, wasmBytes: bytes.length, ...wasmSectionSizes(bytes) };
    }),
    memoryPages: layout.memoryPages,
    linearMemoryBytes: layout.memoryPages * WASM_PAGE_BYTES,
    maxBatch: layout.maxBatch,
    buffers: layout.buffers.map(({ name, region, offset, bytes, alignment }) => ({ name, region, offset, bytes, alignment })),
    kernels: plan.matrices.map((m) => ({
      matrix: m.matrix.id,
      simd: m.kernel.simd,
      scalar: m.kernel.scalar,
      bitLayout: m.bitLayout,
      tableBytes: Math.max(m.scratchBytes.simd, m.scratchBytes.scalar),
      reason: kernelReasonText(plan, m, 'simd'),
    })),
    usedBytes: last === undefined ? 0 : last.offset + last.bytes,
    activations: null, // measured by codegen/artifacts.ts for quantized builds
  };
}
