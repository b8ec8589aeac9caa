/**
 * Where the embedding API reads bytes from (runtime/source.ts). The browser build (index.ts, no
 * Node module) refuses paths and file: URLs with a PB002 that points at the Node build, never a
 * raw "TypeError: Invalid URL"; once the Node build is imported (main-node.ts, the package's
 * "node" export) paths and file: URLs are read, and read errors are PB002 naming the file.
 * 'pibinn/node' falls back to the other build only when a build's file does not exist.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeContainer } from '../../compiler/container/write.js';
import { PibinnError, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { loadContainer, loadSpecialized } from '../../runtime/index.js';
import { abiModule } from '../support/abi-module.js';
import { randomModel } from '../support/random-model.js';

const model = randomModel(78, { structure: 'dense' });
const temp = mkdtempSync(join(tmpdir(), 'pibinn-sources-'));
const containerPath = join(temp, 'model.pibinn');
writeFileSync(containerPath, writeContainer(model));
writeFileSync(join(temp, 'abi.scalar.wasm'), abiModule());
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function diagnosticOf(promise: Promise<unknown>): Promise<Diagnostic> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PibinnError);
  return (error as PibinnError).diagnostics[0];
}

// Order matters: the browser build is tested before this file imports the Node build.
describe('the browser build in Node', () => {
  it.each([
    ['a relative path', 'model.pibinn'],
    ['an absolute path', containerPath],
    ['a file: URL', pathToFileURL(containerPath)],
  ])('refuses %s with PB002 pointing at the Node build', async (_, source) => {
    for (const load of [() => loadContainer(source), () => loadSpecialized({ scalar: source })]) {
      const d = await diagnosticOf(load());
      expect(d.code).toBe('PB002');
      expect(d.fix).toMatch(/in Node, import 'pibinn'.*'pibinn\/node'/);
    }
  });
});

describe('the Node build', () => {
  it('reads paths (relative or absolute) and file: URLs, as strings or URL objects', async () => {
    await import('../../runtime/main-node.js');
    for (const source of [containerPath, relative(process.cwd(), containerPath), pathToFileURL(containerPath).href, pathToFileURL(containerPath)]) {
      expect((await loadContainer(source)).name, String(source)).toBe(model.name);
    }
    const m = await loadSpecialized({ scalar: join(temp, 'abi.scalar.wasm') });
    expect(Array.from(m.inferBatch([1, 2]))).toEqual([3, 5]);
  });

  it('reports a missing file or a directory as PB002 naming it', async () => {
    await import('../../runtime/main-node.js');
    const missing = await diagnosticOf(loadContainer(join(temp, 'missing.pibinn')));
    expect([missing.code, missing.file, missing.message]).toEqual(['PB002', join(temp, 'missing.pibinn'), 'cannot read the container (ENOENT)']);
    const directory = await diagnosticOf(loadSpecialized({ scalar: temp }));
    expect([directory.code, directory.message]).toEqual(['PB002', 'cannot read the scalar module (EISDIR)']);
  });
});

describe("'pibinn/node' loadSpecializedFiles", () => {
  it('falls back to the build that exists, but throws on a build it cannot read instead of falling back', async () => {
    const { loadSpecializedFiles } = await import('../../runtime/node.js');
    expect((await loadSpecializedFiles(temp, 'abi')).build).toBe('scalar');
    const dir = join(temp, 'unreadable');
    mkdirSync(join(dir, 'abi.simd.wasm'), { recursive: true }); // a directory where the SIMD build should be
    writeFileSync(join(dir, 'abi.scalar.wasm'), abiModule());
    const d = await diagnosticOf(loadSpecializedFiles(dir, 'abi'));
    expect([d.code, d.file, d.message]).toEqual(['PB002', join(dir, 'abi.simd.wasm'), 'cannot read the file (EISDIR)']);
    expect((await diagnosticOf(loadSpecializedFiles(temp, 'nothing'))).message).toBe('no build of the model found');
  });
});
