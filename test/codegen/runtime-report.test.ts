/**
 * `pibinn-compile build`: every artifact is written, and the report's runtime section matches
 * the built modules (file sizes, section sizes, the linear memory a real instance gets).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { wasmSectionSizes } from '../../codegen/wasm-sections.js';
import { renderHtml } from '../../compiler/report/render-html.js';
import { main } from '../../cli/main.js';
import schema from '../../schema/footprint-report.schema.json' with { type: 'json' };
import { CONFORMANCE_DIR } from '../support/conformance.js';

describe('pibinn-compile build', () => {
  it('writes all artifacts and a runtime section that matches the built modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-build-'));
    const out: string[] = [];
    const code = await main(['build', join(CONFORMANCE_DIR, 'tied-gain', 'model.json'), '--out-dir', dir, '--json'], (t) => out.push(t), () => {});
    expect(code).toBe(0);
    const name = 'c-tied-gain';
    expect(readdirSync(dir).sort()).toEqual(
      [`${name}.d.mts`, `${name}.h`, `${name}.mjs`, `${name}.pibinn`, `${name}.report.html`, `${name}.report.json`, `${name}.scalar.wasm`, `${name}.simd.wasm`].sort(),
    );
    const report = JSON.parse(out.join('\n'));
    expect(JSON.parse(readFileSync(join(dir, `${name}.report.json`), 'utf8'))).toEqual(report);
    expect(readFileSync(join(dir, `${name}.report.html`), 'utf8')).toBe(renderHtml(report));
    expect(new Ajv({ strict: true, allowUnionTypes: true }).validate(schema, report)).toBe(true);

    const runtime = report.runtime;
    expect(runtime.builds.map((b: { flavor: string }) => b.flavor)).toEqual(['simd', 'scalar']);
    for (const build of runtime.builds) {
      const bytes = readFileSync(join(dir, `${name}.${build.flavor}.wasm`));
      expect(build.wasmBytes).toBe(statSync(join(dir, `${name}.${build.flavor}.wasm`)).size);
      expect(build).toMatchObject(wasmSectionSizes(bytes));
      expect(build.codeBytes).toBeGreaterThan(0);
      expect(build.dataBytes).toBeGreaterThan(0);
      const { instance } = await WebAssembly.instantiate(bytes, {});
      const memory = instance.exports.memory as WebAssembly.Memory;
      expect(memory.buffer.byteLength).toBe(runtime.linearMemoryBytes);
      expect(runtime.linearMemoryBytes).toBe(runtime.memoryPages * 65536);
      expect(runtime.usedBytes).toBeLessThanOrEqual(runtime.linearMemoryBytes);
      const exports = instance.exports as Record<string, () => number>;
      expect(runtime.buffers.find((b: { name: string }) => b.name === 'input').offset).toBe(exports.input_ptr());
      expect(runtime.buffers.find((b: { name: string }) => b.name === 'output').offset).toBe(exports.output_ptr());
    }
  });

  it('rejects an unknown flavour with PB001', async () => {
    const err: string[] = [];
    const code = await main(['build', join(CONFORMANCE_DIR, 'size-one', 'model.json'), '--builds', 'simd,avx'], () => {}, (t) => err.push(t));
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('PB001');
  });
});

describe('pibinn-compile build --activation-bits', () => {
  it('reports the measured error of the k-bit build, smaller for more bits', async () => {
    const errorFor = async (bits: number) => {
      const out: string[] = [];
      const dir = mkdtempSync(join(tmpdir(), 'pibinn-bits-'));
      const args = ['build', join(CONFORMANCE_DIR, 'dense-lista', 'model.json'), '--out-dir', dir, '--json', '--activation-bits', String(bits)];
      expect(await main(args, (t) => out.push(t), () => {})).toBe(0);
      const report = JSON.parse(out.join('\n'));
      expect(new Ajv({ strict: true, allowUnionTypes: true }).validate(schema, report)).toBe(true);
      expect(report.runtime.activations).toMatchObject({ bits, inputs: 16 });
      expect(report.runtime.kernels.every((k: { simd: string }) => k.simd === 'bit-serial')).toBe(true);
      return report.runtime.activations.meanRelativeL2 as number;
    };
    const e8 = await errorFor(8);
    const e16 = await errorFor(16);
    expect(e8).toBeGreaterThan(0);
    expect(e8).toBeLessThan(0.05);
    expect(e16).toBeLessThan(e8 / 50);
    expect((await main(['build', join(CONFORMANCE_DIR, 'size-one', 'model.json'), '--activation-bits', '1'], () => {}, () => {}))).toBe(2);
  });
});
