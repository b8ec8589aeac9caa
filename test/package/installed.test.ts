/**
 * The package as users get it: `npm pack` (the published build, dist/, must be fresh: `npm test`
 * builds it), then `npm install <tarball>` into a scratch project (a default npm project, so
 * CommonJS; offline from the npm cache where it can). From there, with no warning from npm:
 * `npx pibinn-compile build` and `run` on the shipped example; inference in Node through the main
 * export (paths read as files), 'pibinn/node', the generated `.mjs` loader under both package
 * "type" settings, and the 'pibinn/compiler' API; TypeScript resolving every export's types; and
 * one browser page bundled with esbuild, Vite, Rollup and webpack at their defaults, run in
 * headless Chromium. Also: the esbuild bundle's size budget, and README / docs links resolving
 * inside the tarball.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../compiler/load/load-model.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import { TOLERANCE } from '../codegen/harness.js';
import { launchChromium, serve, type Chromium, type Served } from '../support/chromium.js';
import { staleDistFiles } from '../support/fresh-dist.js';

const REPO = resolve('.');
const EXAMPLE = 'ista-rademacher';
const SHIPPED_EXAMPLE = `node_modules/pibinn/examples/${EXAMPLE}`;
/** esbuild, minified + gzipped, of the whole main export for browsers (docs/embedding.md). */
const BROWSER_BUNDLE_BUDGET_GZIP = 40 * 1024;

const work = mkdtempSync(join(tmpdir(), 'pibinn-package-'));
const project = join(work, 'project');
let tarball: string;
let packed: string[];
let installLog: string;
const model = loadModel(`examples/${EXAMPLE}/model.json`).model;
const input = Array.from({ length: model.input.size }, (_, i) => Math.sin(0.37 * i));
const reference = evaluate(model, input);

/** Runs a command in the scratch project; returns stdout, fails the test with stderr on a non-zero exit. */
function run(command: string, args: string[], options: { cwd?: string } = {}): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: options.cwd ?? project, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

const writeProjectFile = (path: string, text: string) => {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
};

beforeAll(() => {
  expect(staleDistFiles(), 'stale or missing in dist/: run npm run build').toEqual([]);
  // --ignore-scripts: prepack would rebuild dist/ under the feet of the other test files.
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path);
  mkdirSync(project);
  writeProjectFile('package.json', `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }, null, 2)}\n`);
  const install = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund']);
  installLog = install.stdout + install.stderr;
  run('npx', ['pibinn-compile', 'build', `${SHIPPED_EXAMPLE}/model.json`, '--out-dir', 'out', '--quiet']);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the published build, runtime and docs, and no tests, benchmarks or scripts', () => {
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/runtime/index.js', 'dist/runtime/main-node.js', 'dist/api/compiler.js', 'dist/cli/bin.js', 'engine/prebuilt/pibinn-runtime.simd.wasm', 'runtime-as/signed-sum.ts', 'kinds/dense/kernel.as.ts', 'docs/embedding.md', 'docs/compiler-api.md']) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => /^(dist\/)?(test|bench|scripts)\/|^dist-dev\/|node_modules/.test(f))).toEqual([]);
  });

  it('resolves every relative link of the README and the shipped docs to a shipped file', () => {
    const broken: string[] = [];
    for (const doc of packed.filter((f) => f === 'README.md' || /^docs\/.*\.md$/.test(f))) {
      for (const [, target] of readFileSync(doc, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const path = join(dirname(doc), target).replace(/\/$/, '');
        if (!packed.some((f) => f === path || f.startsWith(`${path}/`))) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('installs, builds and runs without a warning from npm', () => {
    expect(installLog).not.toMatch(/warn/i);
    const { stderr } = run('npx', ['pibinn-compile', 'run', `out/${EXAMPLE}.pibinn`, '--engine', 'wasm', '--input', `${SHIPPED_EXAMPLE}/inputs.npy`, '--expected', `${SHIPPED_EXAMPLE}/truth.npy`, '--tolerance', '0.5']);
    expect(stderr).not.toMatch(/warn/i);
    for (const suffix of ['.pibinn', '.simd.wasm', '.scalar.wasm', '.mjs', '.d.mts', '.h', '.report.json', '.report.html']) expect(existsSync(join(project, 'out', EXAMPLE + suffix)), suffix).toBe(true);
  });
});

describe('in Node, from the installed package', () => {
  const script = `
    import { loadContainer, loadSpecialized } from 'pibinn';
    import { loadContainerFile } from 'pibinn/node';
    import { load } from './out/${EXAMPLE}.mjs';
    const input = Float32Array.from(${JSON.stringify(input)});
    const outputs = {
      generic: (await loadContainer('out/${EXAMPLE}.pibinn')).infer(input),
      specialized: (await loadSpecialized({ simd: 'out/${EXAMPLE}.simd.wasm', scalar: 'out/${EXAMPLE}.scalar.wasm' }, { name: '${EXAMPLE}' })).infer(input),
      loader: (await load()).infer(input),
      file: (await loadContainerFile('out/${EXAMPLE}.pibinn')).infer(input),
    };
    console.log(JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, Array.from(v)]))));`;

  const expectOutputs = (stdout: string) => {
    const outputs = JSON.parse(stdout) as Record<string, number[]>;
    expect(Object.keys(outputs)).toEqual(['generic', 'specialized', 'loader', 'file']);
    for (const [name, output] of Object.entries(outputs)) expect(relativeL2(output, reference), name).toBeLessThanOrEqual(TOLERANCE);
  };

  it('infers through the main export (file paths), pibinn/node and the generated loader, in a CommonJS project', () => {
    writeProjectFile('infer.mjs', script);
    expectOutputs(run('node', ['infer.mjs']).stdout);
    // A CommonJS module reaches the ES module loader with import().
    writeProjectFile('infer-loader.cjs', `import('./out/${EXAMPLE}.mjs').then(async ({ load }) => console.log((await load()).inputSize));`);
    expect(run('node', ['infer-loader.cjs']).stdout.trim()).toBe(String(model.input.size));
  });

  it('the generated loader works the same in a "type": "module" project', () => {
    const manifest = join(project, 'package.json');
    const saved = readFileSync(manifest, 'utf8');
    try {
      writeFileSync(manifest, JSON.stringify({ ...JSON.parse(saved), type: 'module' }));
      writeProjectFile('infer.js', script);
      expectOutputs(run('node', ['infer.js']).stdout);
    } finally {
      writeFileSync(manifest, saved);
    }
  });

  it("compiles, builds and reports through 'pibinn/compiler', and runs the result", () => {
    writeProjectFile('compile.mjs', `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { buildArtifacts, buildFootprint, evaluate, loadModel, readContainer, relativeL2, renderMarkdown, renderText, writeContainer } from 'pibinn/compiler';
      import { loadContainer, loadSpecialized } from 'pibinn';
      const { model } = loadModel('${SHIPPED_EXAMPLE}/model.json');
      const container = writeContainer(model);
      const report = buildFootprint(readContainer(container, 'api.pibinn'));
      const artifacts = await buildArtifacts(model, { builds: ['scalar'] });
      mkdirSync('api-out', { recursive: true });
      for (const [name, contents] of artifacts.files) writeFileSync('api-out/' + name, contents);
      const input = Float32Array.from(${JSON.stringify(input)});
      const reference = evaluate(model, input);
      console.log(JSON.stringify({
        files: [...artifacts.files.keys()],
        text: renderText(report).split('\\n')[0],
        markdown: renderMarkdown(artifacts.report).split('\\n')[0],
        generic: relativeL2((await loadContainer(container)).infer(input), reference),
        scalar: relativeL2((await loadSpecialized({ scalar: 'api-out/${EXAMPLE}.scalar.wasm' })).infer(input), reference),
      }));`);
    const result = JSON.parse(run('node', ['compile.mjs']).stdout) as { files: string[]; text: string; markdown: string; generic: number; scalar: number };
    expect(result.files).toEqual([`${EXAMPLE}.pibinn`, `${EXAMPLE}.scalar.wasm`, `${EXAMPLE}.mjs`, `${EXAMPLE}.d.mts`, `${EXAMPLE}.h`, `${EXAMPLE}.report.json`, `${EXAMPLE}.report.html`]);
    expect(result.text).toContain(EXAMPLE);
    expect(result.markdown).toMatch(/^# /);
    expect(result.generic).toBeLessThanOrEqual(TOLERANCE);
    expect(result.scalar).toBeLessThanOrEqual(TOLERANCE);
  });

  it('gives TypeScript the types of every export and of the generated loader', () => {
    writeProjectFile('types/check.ts', `
      import { loadContainer, PibinnError, type PibinnModel } from 'pibinn';
      import { loadContainerFile, type ContainerModel } from 'pibinn/node';
      import { buildArtifacts, buildFootprint, loadModel, renderText, type FootprintReport, type IRModel } from 'pibinn/compiler';
      import { inputSize, load, type LoadedModel } from '../out/${EXAMPLE}.mjs';
      const size: ${model.input.size} = inputSize;
      export async function check(): Promise<[PibinnModel, ContainerModel, LoadedModel, FootprintReport, string, number]> {
        const ir: IRModel = loadModel('model.json').model;
        const files: ReadonlyMap<string, Uint8Array | string> = (await buildArtifacts(ir)).files;
        const error: PibinnError | undefined = undefined;
        void error;
        return [await loadContainer('x.pibinn'), await loadContainerFile('x.pibinn'), await load(), buildFootprint(ir), renderText(buildFootprint(ir)), files.size + size];
      }`);
    // Browser code gets the main export's types without Node's.
    writeProjectFile('types/browser.ts', `
      import { loadContainer, loadParallel, loadSpecialized } from 'pibinn';
      export const loaded = [loadContainer(new URL('x.pibinn', location.href)), loadSpecialized({ simd: 'x.simd.wasm' }), loadParallel({ container: 'x.pibinn' })];`);
    const options = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: false };
    writeProjectFile('types/tsconfig.json', JSON.stringify({ compilerOptions: { ...options, lib: ['es2022', 'dom'], typeRoots: [join(REPO, 'node_modules/@types')], types: ['node'] }, files: ['check.ts'] }));
    writeProjectFile('types/tsconfig.browser.json', JSON.stringify({ compilerOptions: { ...options, lib: ['es2022', 'dom'], types: [] }, files: ['browser.ts'] }));
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    run('node', [tsc, '-p', 'types/tsconfig.json']);
    run('node', [tsc, '-p', 'types/tsconfig.browser.json']);
  });
});

describe('bundled for a browser page', () => {
  // One page: the main export (generic runtime and a specialized build) and the generated loader.
  const page = `
    import { loadContainer, loadSpecialized } from 'pibinn';
    import { load } from '../out/${EXAMPLE}.mjs';
    async function main() {
      const input = Float32Array.from(${JSON.stringify(input)});
      const bytes = async (file) => new Uint8Array(await (await fetch(new URL('/out/' + file, location.href))).arrayBuffer());
      const generic = await loadContainer(new URL('/out/${EXAMPLE}.pibinn', location.href));
      const specialized = await loadSpecialized({ simd: new URL('/out/${EXAMPLE}.simd.wasm', location.href) }, { name: '${EXAMPLE}' });
      const loader = await load({ build: 'scalar', bytes: await bytes('${EXAMPLE}.scalar.wasm') });
      return { build: generic.build, generic: Array.from(generic.infer(input)), specialized: Array.from(specialized.infer(input)), loader: Array.from(loader.infer(input)) };
    }
    main().then((result) => { window.pibinnResult = result; }, (error) => { window.pibinnResult = { error: String(error) }; });`;
  const html = (script: string, module = true) => `<!doctype html><html><body><script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>`;

  /** A file of the scratch project, for the page servers. */
  const projectFile = (path: string) => {
    const file = join(project, path);
    return existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
  };
  let server: Served;
  let browser: Chromium;
  beforeAll(async () => {
    writeProjectFile('web/page.js', page);
    server = await serve(projectFile);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function runPage(url: string, origin = server.origin): Promise<void> {
    const tab = await browser.context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    try {
      await tab.goto(`${origin}/${url}`);
      await tab.waitForFunction(() => 'pibinnResult' in window, undefined, { timeout: 30_000 });
      const result = await tab.evaluate(() => (window as unknown as { pibinnResult: Record<string, number[] | string> }).pibinnResult);
      expect(problems).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.build).toBe('simd');
      for (const name of ['generic', 'specialized', 'loader']) expect(relativeL2(result[name] as number[], reference), name).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      await tab.close();
    }
  }

  it('esbuild (platform browser, defaults): no warning, runs in Chromium', async () => {
    const result = await esbuild({ absWorkingDir: project, entryPoints: ['web/page.js'], bundle: true, format: 'esm', outfile: 'web/esbuild/page.js', logLevel: 'silent', metafile: true });
    expect([result.errors, result.warnings]).toEqual([[], []]);
    expect(Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node:') || f.includes('main-node'))).toEqual([]);
    writeProjectFile('web/esbuild/index.html', html('page.js'));
    await runPage('web/esbuild/index.html');
  });

  it('Vite (vite build, no config): no warning, runs in Chromium', async () => {
    writeProjectFile('web/index.html', html('./page.js'));
    const { stdout, stderr } = run('node', [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', 'vite', '--emptyOutDir'], { cwd: join(project, 'web') });
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/warn/i);
    // Vite's default base is "/": the app is served from the root of its origin.
    const app = await serve((path) => (path.startsWith('out/') ? projectFile(path) : projectFile(join('web/vite', path || 'index.html'))));
    try {
      await runPage('index.html', app.origin);
    } finally {
      app.close();
    }
  });

  it('Rollup (node-resolve plugin with its defaults): no warning, runs in Chromium', async () => {
    const warnings: string[] = [];
    const bundle = await rollup({ input: join(project, 'web/page.js'), plugins: [nodeResolve()], onwarn: (warning) => void warnings.push(warning.message) });
    await bundle.write({ dir: join(project, 'web/rollup'), format: 'es' });
    await bundle.close();
    expect(warnings).toEqual([]);
    writeProjectFile('web/rollup/index.html', html('page.js'));
    await runPage('web/rollup/index.html');
  });

  it('webpack (production mode, no config): no warning, runs in Chromium', async () => {
    const stats = await new Promise<webpack.Stats>((done, fail) => webpack({ mode: 'production', context: project, entry: './web/page.js', output: { path: join(project, 'web/webpack') } }, (error, result) => (error ? fail(error) : done(result!))));
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    expect([errors, warnings]).toEqual([[], []]);
    writeProjectFile('web/webpack/index.html', html('main.js', false));
    await runPage('web/webpack/index.html');
  });

  it(`the whole main export is within ${BROWSER_BUNDLE_BUDGET_GZIP / 1024} KiB minified and gzipped (esbuild)`, async () => {
    const sizes: Record<string, { minified: number; gzipped: number }> = {};
    for (const [label, contents] of [['all', "export * from 'pibinn';"], ['loadContainer', "export { loadContainer } from 'pibinn';"]]) {
      const result = await esbuild({ stdin: { contents, resolveDir: project }, bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent' });
      const bytes = result.outputFiles[0].contents;
      sizes[label] = { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
    }
    console.log(`browser bundle (esbuild, minified / gzipped): ${JSON.stringify(sizes)}`);
    expect(sizes.all.gzipped).toBeLessThanOrEqual(BROWSER_BUNDLE_BUDGET_GZIP);
  });
});
