/** The report's code / data split (codegen/wasm-sections.ts) against wabt's wasm-objdump reading the same modules. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wasmSectionSizes } from '../../codegen/wasm-sections.js';

/** Section payload sizes as `wasm-objdump -h` prints them. */
function objdumpSizes(path: string): { codeBytes: number; dataBytes: number } {
  const printed = execFileSync('wasm-objdump', ['-h', path], { encoding: 'utf8' });
  const size = (name: string): number => {
    const match = new RegExp(`^\\s*${name} start=\\S+ end=\\S+ \\(size=(0x[0-9a-f]+)\\)`, 'm').exec(printed);
    return match === null ? 0 : Number(match[1]);
  };
  return { codeBytes: size('Code'), dataBytes: size('Data') };
}

describe('wasm section sizes', () => {
  it.each(['simd', 'scalar'])('agree with wasm-objdump on the %s generic runtime', (flavor) => {
    const path = `engine/prebuilt/pibinn-runtime.${flavor}.wasm`;
    const sizes = wasmSectionSizes(readFileSync(path));
    expect(sizes.codeBytes).toBeGreaterThan(1000);
    expect(sizes).toEqual(objdumpSizes(path));
  });
});
