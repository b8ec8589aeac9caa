/**
 * wasm -> C with the system's wasm2c (Debian wabt 1.0.32), plus the wasm-rt.h of the same
 * installation: the generated code and that header must come from one wabt version.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../../core/diagnostics/diagnostic.js';
import { runTool } from './run-tool.js';

/** Where Debian's wabt puts the runtime sources that match its wasm2c. */
const RUNTIME_HEADER_DIRS = ['/usr/src/wasm2c', '/usr/share/wabt/wasm2c', '/usr/include/wasm2c'];

export interface Wasm2cOutput {
  readonly source: string;
  readonly header: string;
  /** wasm-rt.h matching the wasm2c that produced `source`. */
  readonly runtimeHeader: string;
  readonly version: string;
}

/** `headerName` is the file name the source #includes for its header. */
export function wasmToC(wasm: Uint8Array, moduleName: string, headerName: string): Wasm2cOutput {
  const version = runTool('wasm2c', ['--version']).stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'pibinn-wasm2c-'));
  try {
    writeFileSync(join(dir, 'module.wasm'), wasm);
    const base = headerName.replace(/\.h$/, '');
    runTool('wasm2c', ['module.wasm', '-n', moduleName, '-o', `${base}.c`], { cwd: dir });
    return {
      source: readFileSync(join(dir, `${base}.c`), 'utf8'),
      header: readFileSync(join(dir, headerName), 'utf8'),
      runtimeHeader: readFileSync(runtimeHeaderPath(), 'utf8'),
      version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runtimeHeaderPath(): string {
  const found = RUNTIME_HEADER_DIRS.map((d) => join(d, 'wasm-rt.h')).find((p) => existsSync(p));
  if (found === undefined) {
    fail({
      code: 'PB604',
      file: 'wasm-rt.h',
      message: `wasm2c's runtime header was not found in ${RUNTIME_HEADER_DIRS.join(', ')}`,
      fix: 'apt-get install -y wabt',
    });
  }
  return found;
}
