/**
 * Test-side access to the prebuilt generic runtime's raw exports (docs/embedding.md), to check
 * status codes and the no-model behaviour the embedding API hides behind exceptions.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { verifyContainer } from '../../compiler/container/verify.js';
import { STATUS } from '../../core/constants.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../core/diagnostics/codes.js';
import type { InferenceExports } from '../../runtime/batch.js';

export interface GenericExports extends InferenceExports {
  alloc_container(length: number): number;
  load(ptr: number, length: number): number;
  error_code(): number;
  error_detail(): number;
  error_offset(): number;
  infer(): number;
  is_loaded(): number;
  self_test(): number;
}

export const FLAVORS = ['simd', 'scalar'] as const;

export function prebuiltBytes(flavor: (typeof FLAVORS)[number]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(`engine/prebuilt/pibinn-runtime.${flavor}.wasm`));
}

export async function instantiateRuntime(flavor: (typeof FLAVORS)[number]): Promise<GenericExports> {
  const module = await WebAssembly.compile(prebuiltBytes(flavor));
  expect(WebAssembly.Module.imports(module)).toEqual([]);
  return (await WebAssembly.instantiate(module, {})).exports as unknown as GenericExports;
}

/** Copies `bytes` into the runtime and loads them: the status code (0 = loaded). */
export function loadRaw(m: GenericExports, bytes: Uint8Array): number {
  const at = m.alloc_container(Math.max(bytes.length, 1));
  expect(at % 16).toBe(0);
  new Uint8Array(m.memory.buffer, at, bytes.length).set(bytes);
  return m.load(at, bytes.length);
}

/** The diagnostic code the compiler's verifier (`pibinn-compile check`) gives, or undefined when it accepts the bytes. */
export function compilerVerdict(bytes: Uint8Array): DiagnosticCode | undefined {
  try {
    verifyContainer(bytes, 'x.pibinn');
    return undefined;
  } catch (error) {
    if (error instanceof PibinnError) return error.diagnostics[0].code;
    throw error;
  }
}

/** Runtime status -> diagnostic code (core/constants.ts). */
export const STATUS_DIAGNOSTIC: Record<number, DiagnosticCode | undefined> = Object.fromEntries(
  Object.values(STATUS).map((s) => [s.code, s.diagnostic ?? undefined]),
);
