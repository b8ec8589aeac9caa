/**
 * The container is a plain FlatBuffer of schema/pibinn.fbs: Debian's flatc decodes it, and the
 * committed generated TypeScript is exactly what scripts/gen-fbs.mjs produces from the schema.
 * CI installs flatc (flatbuffers-compiler); without it these tests fail rather than skip.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeContainer } from '../../compiler/container/write.js';
import { allFeaturesModel } from './models.js';
import { matrixNamed } from '../support/ir-draft.js';

const FLATC = '/usr/bin/flatc';
const ROOT = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'pibinn-flatc-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function requireFlatc(): void {
  expect(existsSync(FLATC), `${FLATC} is missing: install Debian's flatbuffers-compiler (flatc 2.0.8)`).toBe(true);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

describe('schema/pibinn.fbs and flatc', () => {
  it('lets flatc decode a container to JSON with the model content', () => {
    requireFlatc();
    const model = allFeaturesModel();
    const container = join(scratch, 'model.pibinn');
    writeFileSync(container, writeContainer(model));
    execFileSync(FLATC, ['--json', '--raw-binary', '--strict-json', '-o', scratch, join(ROOT, 'schema', 'pibinn.fbs'), '--', container]);
    const json = JSON.parse(readFileSync(join(scratch, 'model.json'), 'utf8'));
    expect(json.schema_version).toBe(1);
    expect(json.name).toBe(model.name);
    expect(json.readout).toBe(6);
    expect(json.matrices.map((m: { id: string }) => m.id)).toEqual(model.matrices.map((m) => m.id));
    const bl = json.matrices[3];
    expect(bl.structure_kind).toBe('Blocks');
    expect(bl.blocks).toEqual([
      { row0: 5, col0: 6, rows: 2, cols: 4 },
      { row0: 0, col0: 0, rows: 3, cols: 4 },
      { row0: 9, col0: 1, rows: 3, cols: 2 },
    ]);
    expect(bl.signs).toEqual([...matrixNamed(model, 'BL').signs]);
    expect(json.layers[1].theta_vector).toHaveLength(model.state);
    expect(JSON.parse(json.metadata_json)).toEqual(model.metadata);
  });

  it('has committed generated TypeScript identical to a fresh scripts/gen-fbs.mjs run', () => {
    requireFlatc();
    const fresh = join(scratch, 'generated');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-fbs.mjs'), fresh], { stdio: 'pipe' });
    const committed = join(ROOT, 'compiler', 'container', 'generated');
    const names = (dir: string) => filesUnder(dir).map((file) => relative(dir, file));
    expect(names(committed), 'run `npm run gen:fbs` and commit the result').toEqual(names(fresh));
    for (const name of names(fresh)) {
      expect(readFileSync(join(committed, name), 'utf8'), `${name} is stale: run \`npm run gen:fbs\``).toBe(readFileSync(join(fresh, name), 'utf8'));
    }
  });

  it("docs/container.md's flatc command decodes into its own folder and leaves a model.json in the current folder alone", () => {
    requireFlatc();
    const command = /`(flatc [^`]+)`/.exec(readFileSync(join(ROOT, 'docs', 'container.md'), 'utf8'))![1].split(' ');
    const cwd = mkdtempSync(join(scratch, 'docs-'));
    mkdirSync(join(cwd, 'schema'));
    copyFileSync(join(ROOT, 'schema', 'pibinn.fbs'), join(cwd, 'schema', 'pibinn.fbs'));
    writeFileSync(join(cwd, 'model.pibinn'), writeContainer(allFeaturesModel()));
    writeFileSync(join(cwd, 'model.json'), 'the user\'s model');
    execFileSync(FLATC, command.slice(1), { cwd });
    expect(readFileSync(join(cwd, 'model.json'), 'utf8')).toBe('the user\'s model');
    expect(JSON.parse(readFileSync(join(cwd, 'decoded', 'model.json'), 'utf8')).name).toBe(allFeaturesModel().name);
  });
});
