#!/usr/bin/env node
/**
 * Regenerates the TypeScript accessors for schema/pibinn.fbs with Debian's flatc 2.0.8 and makes
 * them NodeNext-clean: flatc 2.0.8 writes relative imports without the `.js` extension, which
 * `tsc` rejects under NodeNext resolution, so this adds it.
 *
 * Usage: node scripts/gen-fbs.mjs [outDir]   (default: compiler/container/generated)
 * The output depends only on the schema and the flatc version, so a test can regenerate into a
 * temporary directory and compare it with the committed files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schema = join(root, 'schema', 'pibinn.fbs');
const outDir = resolve(process.argv[2] ?? join(root, 'compiler', 'container', 'generated'));
const flatc = process.env.FLATC ?? '/usr/bin/flatc';

const scratch = mkdtempSync(join(tmpdir(), 'pibinn-fbs-'));
try {
  execFileSync(flatc, ['--ts', '-o', scratch, schema], { stdio: ['ignore', 'inherit', 'inherit'] });
  const files = listFiles(scratch);
  // Replace the whole output directory so files of removed schema types do not linger.
  rmSync(outDir, { recursive: true, force: true });
  for (const file of files) {
    const target = join(outDir, relative(scratch, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, addJsExtensions(readFileSync(file, 'utf8')));
  }
  console.log(`generated ${files.length} files from ${relative(root, schema)} into ${relative(root, outDir) || outDir}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function addJsExtensions(source) {
  return source.replace(/(from\s+'\.{1,2}\/[^']*?)(?<!\.js)'/g, "$1.js'");
}

function listFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
