/**
 * scripts/test-host.mjs, the first step of `npm test` and .ci/run: with every Debian package
 * present it does nothing; with some missing it installs them with apt-get as root, and
 * otherwise stops with the exact command to run, before any test runs; without dpkg / apt-get it
 * names the packages. Run against fake dpkg and apt-get on PATH that log what they are asked.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/test-host.mjs');
const PACKAGES = 'flatbuffers-compiler wabt gcc make gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm chromium python3-torch python3-numpy python3-skimage python3-matplotlib';
const isRoot = process.getuid?.() === 0;
const temp = mkdtempSync(join(tmpdir(), 'pibinn-test-host-'));
chmodSync(temp, 0o755);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let fakes = 0;
/** A bin folder with `sh`, and fake dpkg (`installed`: packages it reports present) and apt-get unless `bare`. */
function fakeBin(installed: readonly string[], bare = false): { path: string; log: string } {
  const dir = join(temp, `bin${fakes++}`);
  const log = join(dir, 'apt-get.log');
  mkdirSync(dir, { mode: 0o755 });
  symlinkSync('/bin/sh', join(dir, 'sh'));
  if (!bare) {
    writeFileSync(join(dir, 'dpkg'), `#!/bin/sh\ncase " ${installed.join(' ')} " in *" $2 "*) exit 0;; esac\nexit 1\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\necho "$*" >> ${log}\n`, { mode: 0o755 });
  }
  return { path: dir, log };
}

function runScript(bin: string, asUser?: number) {
  const options = asUser === undefined ? {} : { uid: asUser, gid: asUser };
  return spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { PATH: bin }, ...options });
}

describe('scripts/test-host.mjs', () => {
  it('does nothing when every package is installed', () => {
    const { path, log } = fakeBin(PACKAGES.split(' '));
    const result = runScript(path);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(existsSync(log)).toBe(false);
  });

  it.runIf(isRoot)('as root, installs the missing packages with apt-get', () => {
    const { path, log } = fakeBin(['wabt', 'chromium']);
    const result = runScript(path);
    expect(result.status, result.stderr).toBe(0);
    const missing = PACKAGES.split(' ').filter((p) => p !== 'wabt' && p !== 'chromium').join(' ');
    expect(readFileSync(log, 'utf8')).toBe(`update -qq\ninstall -y -qq --no-install-recommends ${missing}\n`);
  });

  it('not as root, prints the exact apt-get command and stops without installing', () => {
    const { path, log } = fakeBin(['gcc']);
    const result = runScript(path, isRoot ? 65534 : undefined);
    expect(result.status).toBe(1);
    const missing = PACKAGES.split(' ').filter((p) => p !== 'gcc').join(' ');
    expect(result.stderr).toContain(`sudo apt-get update && sudo apt-get install -y -qq --no-install-recommends ${missing}\n`);
    expect(existsSync(log)).toBe(false);
  });

  it('without dpkg / apt-get, names the packages and stops', () => {
    const result = runScript(fakeBin([], true).path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`not a Debian-like system`);
    expect(result.stderr).toContain(PACKAGES);
  });
});
