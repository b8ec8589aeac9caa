/**
 * The report's runtime section: what a built WebAssembly module costs. The code generator fills
 * it (codegen/runtime-footprint.ts); the report only carries and renders it, so the compiler core
 * does not depend on the build stage.
 */

export interface RuntimeBuildFootprint {
  /** 'threads': the threaded SIMD build (BuildOptions.threads). */
  readonly flavor: 'simd' | 'scalar' | 'threads';
  /** The whole .wasm file. */
  readonly wasmBytes: number;
  /** The code section (function bodies). */
  readonly codeBytes: number;
  /** The data section (embedded weights, tables, parameters, self-test vectors). */
  readonly dataBytes: number;
}

export interface RuntimeBuffer {
  readonly name: string;
  readonly region: string;
  readonly offset: number;
  readonly bytes: number;
  readonly alignment: number;
}

/** The inner kernel one matrix's products run in each build (codegen/kernel-selection.ts). */
export interface RuntimeKernel {
  readonly matrix: string;
  readonly simd: 'flip-add' | 'lut4' | 'lut8' | 'diagonal' | 'bit-serial';
  readonly scalar: 'flip-add' | 'lut4' | 'lut8' | 'diagonal' | 'bit-serial';
  readonly bitLayout: 'canonical' | 'block-major' | 'diagonal-major';
  /** Bytes of `scratch:lut` its tables take (0: flip-and-add, no table). */
  readonly tableBytes: number;
  readonly reason: string;
}

export interface RuntimeFootprint {
  readonly kind: 'specialized';
  readonly builds: readonly RuntimeBuildFootprint[];
  /** Linear memory the module declares (initial = maximum), in 64 KiB pages. */
  readonly memoryPages: number;
  /** memoryPages * 65536: the exact RAM the module needs, whatever the host. */
  readonly linearMemoryBytes: number;
  /** Input vectors one `infer_batch` call takes. */
  readonly maxBatch: number;
  /** Every buffer in address order (docs/abi.md). */
  readonly buffers: readonly RuntimeBuffer[];
  /** Per matrix, the kernel chosen for it and why. */
  readonly kernels: readonly RuntimeKernel[];
  /** End of the last buffer: the part of linear memory the model uses. */
  readonly usedBytes: number;
  /** Quantized-activation builds (`--activation-bits k`): k and their measured error; else null. */
  readonly activations: ActivationQuantization | null;
}

/** The error of a k-bit activation build against the float64 reference, measured at build time. */
export interface ActivationQuantization {
  readonly bits: number;
  /** Seeded inputs (uniform in [-1, 1]) the error was measured on. */
  readonly inputs: number;
  readonly meanRelativeL2: number;
  readonly maxRelativeL2: number;
}
