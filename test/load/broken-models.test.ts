/**
 * The corpus of broken models in test/fixtures/broken: each must be rejected with the exact
 * diagnostic code, located by JSON path (model.json problems) or by file and byte offset
 * (payload file problems). Most cases are the spec's minimal example with one thing wrong.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, renderJsonPath, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { loadError } from './helpers.js';
import { matrixNamed } from '../support/ir-draft.js';

const root = fileURLToPath(new URL('../fixtures/broken/', import.meta.url));

interface Case {
  /** File `<name>.json` or folder `<name>/model.json` under test/fixtures/broken. */
  name: string;
  code: Diagnostic['code'];
  /** Rendered JSON path of the first diagnostic. */
  path?: string;
  /** Basename of the file the first diagnostic names, when it is not the model itself. */
  file?: string;
  byteOffset?: number;
  /** Substring of the formatted diagnostic. */
  says?: string;
  /** How many diagnostics, when the case checks that several independent errors are all reported. */
  count?: number;
}

const cases: Case[] = [
  { name: 'bad-json', code: 'PB101', byteOffset: 94, says: 'line 6, column 14' },
  { name: 'wrong-type', code: 'PB102', path: '$.state', says: 'wrong type' },
  { name: 'non-integer-rows', code: 'PB102', path: '$.matrices.B.rows' },
  { name: 'unknown-key-top', code: 'PB103', path: '$.scael', says: 'did you mean "scale"?' },
  { name: 'unknown-key-nested', code: 'PB103', path: '$.layers[1].relaxx', says: 'did you mean "relax"?' },
  { name: 'missing-key', code: 'PB104', path: '$.layers[0].terms[0]', says: '"source"' },
  { name: 'bad-name', code: 'PB106', path: '$.name' },
  { name: 'bad-matrix-id', code: 'PB106', path: '$.matrices["9B"]' },
  { name: 'bad-format', code: 'PB107', path: '$.format' },
  { name: 'version-2', code: 'PB108', path: '$.version', says: 'version 2; this compiler reads version 1', count: 1 },
  { name: 'bad-kind', code: 'PB109', path: '$.matrices.B.structure.kind', says: 'did you mean "block-diagonal"?' },
  { name: 'data-and-file', code: 'PB109', path: '$.matrices.B.signs', says: 'not both' },
  { name: 'relax-out-of-range', code: 'PB105', path: '$.layers[1].relax' },
  { name: 'inline-infinity', code: 'PB309', path: '$.matrices.W.signs.data[8]' },
  { name: 'undefined-reference', code: 'PB201', path: '$.layers[1].terms[0].matrix', says: 'did you mean "W"?' },
  { name: 'bad-dimensions', code: 'PB202', path: '$.layers[0].terms[0].matrix', says: '4 x 2' },
  { name: 'non-tiling', code: 'PB203', path: '$.matrices.B.structure' },
  { name: 'block-outside', code: 'PB204', path: '$.matrices.B.structure.blocks[1]' },
  { name: 'overlapping-blocks', code: 'PB205', path: '$.matrices.B.structure.blocks[2]', says: 'block 2 overlaps block 0' },
  { name: 'residual-missing', code: 'PB206', path: '$.layers[1]' },
  { name: 'residual-unused', code: 'PB206', path: '$.layers[1].residual' },
  { name: 'theta-length', code: 'PB207', path: '$.layers[0].threshold.theta' },
  { name: 'unused-matrix', code: 'PB208', path: '$.matrices.D' },
  { name: 'output-size', code: 'PB209', path: '$.output.size' },
  { name: 'bad-base64', code: 'PB301', path: '$.matrices.B.signs.data' },
  { name: 'unsafe-absolute', code: 'PB302', path: '$.matrices.B.signs.file' },
  { name: 'unsafe-dotdot', code: 'PB302', path: '$.matrices.B.signs.file' },
  { name: 'missing-file', code: 'PB303', path: '$.matrices.B.signs.file' },
  { name: 'bad-npy-header', code: 'PB304', file: 'B.bits.npy', byteOffset: 10 },
  { name: 'unsupported-dtype', code: 'PB305', file: 'B.bits.npy', says: "'<i4'" },
  { name: 'bits-length', code: 'PB306', path: '$.matrices.B.signs.data', says: 'expected 1 bytes, found 2' },
  { name: 'file-count', code: 'PB306', file: 'W.values.npy', says: 'expected 10 values, found 9 elements' },
  { name: 'padding-bits', code: 'PB307', path: '$.matrices.W.signs.data' },
  { name: 'dense-values-outside', code: 'PB308', path: '$.matrices.W.signs.data[3]', says: 'entry (0, 3)' },
  { name: 'nan-values', code: 'PB309', file: 'W.values.npy', byteOffset: 128 + 4 * 4 },
  { name: 'limits-dimension', code: 'PB401', path: '$.state', says: 'maxDimension' },
  // Hostile text: what JSON.parse accepts silently, or what crashed a recursive consumer after it.
  { name: 'deep-metadata', code: 'PB401', path: `$.metadata.history${'[0]'.repeat(62)}`, says: 'maxNestingDepth = 64', count: 1 },
  { name: 'deep-theta', code: 'PB401', path: `$.layers[0].threshold.theta${'[0]'.repeat(60)}`, says: 'found level 65' },
  { name: 'duplicate-key', code: 'PB110', path: '$.matrices.B.rows', says: 'duplicate-key.json:19:7: $.matrices.B.rows: error PB110 (duplicate key): key "rows" appears twice in the same object: at line 17, column 7 and again at line 19, column 7' },
  { name: 'duplicate-key-metadata', code: 'PB110', path: '$.metadata.epochs', says: 'at line 85, column 5 and again at line 87, column 5' },
  { name: 'invalid-utf8-description', code: 'PB111', path: '$.description', byteOffset: 1322, says: 'invalid-utf8-description.json:84:22: $.description: byte 1322' },
  { name: 'invalid-utf8-metadata', code: 'PB111', path: '$.metadata.dataset', says: 'found bytes 0xe2 0x82 0x79' },
  { name: 'lone-surrogate', code: 'PB111', path: '$.description', says: 'lone-surrogate.json:84:18' },
  { name: 'byte-order-mark', code: 'PB101', byteOffset: 0, says: 'byte order mark' },
  { name: 'payload-directory', code: 'PB310', path: '$.matrices.B.signs.file', says: 'is a directory' },
];

function modelPath(name: string): string {
  const dir = join(root, name);
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? join(dir, 'model.json') : `${dir}.json`;
}

describe('broken models are rejected with the right diagnostic', () => {
  it.each(cases)('$name -> $code', (c) => {
    const error = loadError(() => loadModel(modelPath(c.name)));
    const first = error.diagnostics[0];
    const text = formatAll(error.diagnostics);
    expect(first.code, text).toBe(c.code);
    expect(first.severity).toBe('error');
    if (c.path !== undefined) expect(first.jsonPath && renderJsonPath(first.jsonPath), text).toBe(c.path);
    expect(basename(first.file), text).toBe(c.file ?? basename(modelPath(c.name)));
    if (c.byteOffset !== undefined) expect(first.byteOffset, text).toBe(c.byteOffset);
    if (c.says !== undefined) expect(formatDiagnostic(first).replace(root, '')).toContain(c.says);
    if (c.count !== undefined) expect(error.diagnostics, text).toHaveLength(c.count);
  });

  it('every fixture in the corpus is covered by the table', () => {
    const names = new Set(cases.map((c) => c.name));
    for (const entry of readdirSync(root).filter((e) => e !== 'README.md')) expect(names, entry).toContain(entry.replace(/\.json$/, ''));
  });

  it('a payload reached through a symlink that leaves the model directory is rejected', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pibinn-outside-'));
    writeFileSync(join(outside, 'B.bits'), Uint8Array.of(0xa5));
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-model-'));
    symlinkSync(join(outside, 'B.bits'), join(dir, 'B.bits'));
    const model = JSON.parse(readFileSync(join(root, 'missing-file.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    const first = loadError(() => loadModel(join(dir, 'model.json'))).diagnostics[0];
    expect(first.code).toBe('PB302');
    expect(first.message).toContain('outside the model');
    expect(renderJsonPath(first.jsonPath!)).toBe('$.matrices.B.signs.file');
  });

  it('a payload that is a FIFO is refused before it is opened (opening one would block)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-model-'));
    expect(spawnSync('mkfifo', [join(dir, 'B.bits')]).status).toBe(0);
    writeFileSync(join(dir, 'model.json'), readFileSync(join(root, 'missing-file.json')));
    const first = loadError(() => loadModel(join(dir, 'model.json'))).diagnostics[0];
    expect([first.code, first.message]).toEqual(['PB310', `payload file ${join(dir, 'B.bits')} is a FIFO (named pipe)`]);
  });

  it('a model path that is a directory or a FIFO is PB002, and the FIFO is never opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-model-'));
    expect(loadError(() => loadModel(dir)).diagnostics[0]).toMatchObject({ code: 'PB002', message: 'cannot read the file: it is a directory' });
    expect(spawnSync('mkfifo', [join(dir, 'model.json')]).status).toBe(0);
    expect(loadError(() => loadModel(join(dir, 'model.json'))).diagnostics[0]).toMatchObject({ code: 'PB002', found: 'a FIFO (named pipe)' });
  });

  it('a model.json over maxModelBytes is refused from its size, before it is read', () => {
    const path = join(root, 'padding-bits.json');
    const first = loadError(() => loadModel(path, { limits: { maxModelBytes: 100 } })).diagnostics[0];
    expect(first).toMatchObject({ code: 'PB401', found: String(statSync(path).size) });
    expect(first.message).toContain('maxModelBytes = 100');
    expect(first.fix).toContain('--limit maxModelBytes=<n>');
  });

  it('the depth limit can be raised up to its ceiling, and no further', () => {
    const path = modelPath('deep-theta');
    // Raised past the fixture's depth, the model fails for what it is: theta is no number.
    expect(loadError(() => loadModel(path, { limits: { maxNestingDepth: 300 } })).diagnostics[0].code).toBe('PB102');
    expect(loadError(() => loadModel(path, { limits: { maxNestingDepth: 1001 } })).diagnostics[0]).toMatchObject({ code: 'PB001', message: 'limit maxNestingDepth must be an integer from 1 to 1000' });
  });

  it('a symlink that stays inside the model directory is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-model-'));
    writeFileSync(join(dir, 'real.bits'), Uint8Array.of(0xa5));
    symlinkSync(join(dir, 'real.bits'), join(dir, 'B.bits'));
    writeFileSync(join(dir, 'model.json'), readFileSync(join(root, 'missing-file.json')));
    expect(matrixNamed(loadModel(join(dir, 'model.json')).model, 'B').signs).toEqual(Uint8Array.of(0xa5));
  });
});

function formatAll(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.code} ${d.jsonPath ? renderJsonPath(d.jsonPath) : ''} ${d.message}`).join('\n');
}
