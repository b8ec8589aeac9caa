/**
 * Round trip PyTorch -> model.json -> reference evaluator: a small model is trained in CI by
 * the Python package (training/), exported, and run by the CLI's float64 reference evaluator,
 * which must agree with the float32 PyTorch forward to the spec's relative L2 of 1e-5.
 * Needs Debian's python3-torch (and python3-skimage) under /usr/bin/python3, and a built dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const python = '/usr/bin/python3';
const cli = join(repo, 'dist/cli/bin.js');
const work = mkdtempSync(join(tmpdir(), 'pibinn-training-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(repo, 'training') },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The reference evaluator on `dir`'s inputs, compared with PyTorch's outputs at 1e-5. */
function referenceAgrees(dir: string): string {
  const out = run(process.execPath, [
    cli, 'run', join(dir, 'model.json'),
    '--input', join(dir, 'inputs.npy'),
    '--expected', join(dir, 'torch_outputs.npy'),
    '--tolerance', '1e-5',
  ]);
  expect(out).toContain('PASS');
  return out;
}

describe('PyTorch training package round trip', () => {
  it('a model trained in CI runs identically in the reference evaluator', () => {
    const dir = join(work, 'trained');
    run(python, [
      '-m', 'pibinn_train', 'train', 'cs-block-sparse',
      '--layers', '4', '--train-size', '2000', '--epochs-float', '3', '--epochs-binary', '3',
      '--quantizers', 'binary-lazy', '--export', dir, '--test-samples', '32',
    ]);
    referenceAgrees(dir);
  }, 240_000);

  it('an exported model using every structure kind, residual, bias, relax and readout agrees', () => {
    const dir = join(work, 'every-feature');
    // The Python unit tests' network with every feature, with random latent weights.
    const script = [
      'import sys, numpy as np, torch',
      "sys.path.insert(0, 'training/tests')",
      'from test_export import every_feature_network',
      'from pibinn_train.export import export_model',
      'net = every_feature_network()',
      `d = ${JSON.stringify(dir)}`,
      'export_model(net, d, external_bytes=6)',
      'y = torch.randn(32, net.spec.input_size, generator=torch.Generator().manual_seed(5))',
      "np.save(d + '/inputs.npy', y.numpy())",
      'with torch.no_grad():',
      "    np.save(d + '/torch_outputs.npy', net(y).numpy())",
    ].join('\n');
    run(python, ['-c', script]);
    referenceAgrees(dir);
  }, 120_000);
});
