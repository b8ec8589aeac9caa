/**
 * Runs `pibinn-compile compile <model> -o <out> --json` (container and full report, contraction
 * estimate included) in this process and prints its wall time, the report's size and this
 * process's peak RSS as JSON (the parent cannot read a child's peak RSS portably).
 */
import { main } from '../cli/main.js';

const [model, output] = process.argv.slice(2);
const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
const start = performance.now();
let reportBytes = 0;
const code = await main(['compile', model, '-o', output, '--json'], (text) => (reportBytes += text.length), (text) => process.stderr.write(`${text}\n`));
const seconds = (performance.now() - start) / 1000;
if (code !== 0) process.exit(code);
process.stdout.write(`${JSON.stringify({ seconds, reportBytes, maxRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB })}\n`);
