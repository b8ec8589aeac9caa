#!/usr/bin/env node
// The first step of `npm test` (and of .ci/run): the Debian packages the suite's cross-checks
// need. Missing ones are installed with apt-get when running as root; otherwise this prints the
// exact command and stops before any test runs, so a fresh machine never gets a half-run suite.
//
// flatc: the official decoder checks our containers; wabt: wasm-interp (second engine) and
// wasm2c (MCU target); ARM GCC + newlib + QEMU: the Cortex-M firmware; chromium: the browser
// tests (driven by playwright-core, no browser download); python3-torch (+ numpy, skimage,
// matplotlib): the training package.
import { spawnSync } from 'node:child_process';

const PACKAGES = [
  'flatbuffers-compiler', 'wabt', 'gcc', 'make', 'gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'qemu-system-arm', 'chromium',
  'python3-torch', 'python3-numpy', 'python3-skimage', 'python3-matplotlib',
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const run = (command, args) => {
  console.error(`test-host: ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (status !== 0) stop(`${command} failed (exit ${status})`);
};
function stop(message) {
  console.error(`test-host: ${message}`);
  process.exit(1);
}

if (!has('dpkg') || !has('apt-get')) {
  stop(`this is not a Debian-like system (no dpkg / apt-get). The test suite needs these Debian packages or their equivalents:\n  ${PACKAGES.join(' ')}\nInstall them, then run npm test again.`);
}
const missing = PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
if (missing.length > 0) {
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  if (process.getuid?.() !== 0) {
    stop(`the tests need Debian packages that are not installed: ${missing.join(' ')}\nRun this, then npm test again:\n  sudo apt-get update && sudo apt-get ${install.join(' ')}`);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', install);
}
