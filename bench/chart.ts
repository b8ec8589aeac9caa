/** An SVG line chart of batch-1 latency against n, one line per engine and structure (log-log), no chart library. */
import type { BenchRow } from './inference.js';

const W = 760;
const H = 420;
const M = { left: 70, right: 230, top: 30, bottom: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const ENGINES: [string, string][] = [
  ['simd b1', 'pibinn SIMD'],
  ['simd-2t b1', 'pibinn SIMD, 2 threads'],
  ['scalar b1', 'pibinn scalar'],
  ['wasm-int8-dense b1', 'int8 dense WASM SIMD'],
  ['ort-node-2t dense b1', 'ORT Node 2t dense'],
  ['ort-node-2t structured b1', 'ORT Node 2t structured'],
  ['ort-web-simd structured b1', 'ORT Web structured'],
  ['js-dense-f32 b1', 'JS dense f32'],
];

export function latencyChart(rows: BenchRow[]): string {
  const synthetic = rows.filter((r) => /-n\d+$/.test(r.model));
  const family = (r: BenchRow) => r.model.replace(/-n\d+$/, '');
  const series: { label: string; points: [number, number][] }[] = [];
  for (const fam of [...new Set(synthetic.map(family))]) {
    for (const [engine, label] of ENGINES) {
      const points = synthetic.filter((r) => family(r) === fam && r.seconds[engine] != null).map((r): [number, number] => [r.n, r.seconds[engine]!]);
      if (points.length >= 2) series.push({ label: `${fam}: ${label}`, points });
    }
  }
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"/>\n`;
  const [x0, x1] = [Math.log10(Math.min(...all.map((p) => p[0]))), Math.log10(Math.max(...all.map((p) => p[0])))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...all.map((p) => p[1] * 1e6)))), Math.ceil(Math.log10(Math.max(...all.map((p) => p[1] * 1e6))))];
  const px = (n: number) => M.left + ((Math.log10(n) - x0) / Math.max(x1 - x0, 1e-9)) * (W - M.left - M.right);
  const py = (t: number) => H - M.bottom - ((Math.log10(t * 1e6) - y0) / Math.max(y1 - y0, 1e-9)) * (H - M.top - M.bottom);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<text x="${M.left}" y="18" font-size="13">Batch-1 latency vs n (log-log), synthetic LISTA K = 10</text>`);
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e / 1e6);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${10 ** e >= 1000 ? `${10 ** (e - 3)} ms` : `${10 ** e} us`}</text>`);
  }
  for (const n of [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b)) {
    out.push(`<text x="${px(n)}" y="${H - M.bottom + 16}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">n (state size)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const dash = s.label.includes('pibinn') ? '' : ' stroke-dasharray="5,3"';
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${s.points.map(([n, t]) => `${px(n).toFixed(1)},${py(t).toFixed(1)}`).join(' ')}"/>`);
    out.push(`<text x="${W - M.right + 8}" y="${M.top + 13 * i}" fill="${color}">${s.label}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
