/** `pibinn-compile build --target mcu`: the drop-in folder appears whole, with its report. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { CONFORMANCE_DIR } from '../support/conformance.js';

async function cli(...args: string[]) {
  const err: string[] = [];
  const code = await main(args, () => {}, (t) => err.push(t));
  return { code, stderr: err.join('\n') };
}

describe('pibinn-compile build --target mcu', () => {
  it('writes the C folder (API header, wasm2c output, runtime) and the report', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pibinn-mcu-cli-'));
    const dir = join(parent, 'target');
    expect((await cli('build', join(CONFORMANCE_DIR, 'dense-lista', 'model.json'), '--target', 'mcu', '--out-dir', dir, '-q')).code).toBe(0);
    const files = readdirSync(dir);
    for (const f of ['pibinn_wasm_rt.c', 'pibinn_wasm_rt.h', 'wasm-rt.h', 'c-dense-lista.report.json']) expect(files).toContain(f);
    expect(files.some((f) => /^pibinn_.*\.h$/.test(f) && f !== 'pibinn_wasm_rt.h')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'c-dense-lista.report.json'), 'utf8')).mcu).toBeNull();
    expect(readdirSync(parent)).toEqual(['target']);
  });

  it('rejects an unknown layout or target with PB001 and writes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pibinn-mcu-cli-')), 'target');
    const model = join(CONFORMANCE_DIR, 'size-one', 'model.json');
    expect((await cli('build', model, '--target', 'mcu', '--layout', 'eeprom', '--out-dir', dir)).stderr).toContain('PB001');
    expect((await cli('build', model, '--target', 'fpga', '--out-dir', dir)).code).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });
});
