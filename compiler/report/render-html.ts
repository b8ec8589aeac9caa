/**
 * The footprint report as one self-contained HTML page: inline CSS and SVG, no script, no
 * network. The headline figures first, then every section of the text report (the same
 * sections.ts content) with its chart: storage formats, footprint per matrix, work per layer,
 * the build's linear-memory map, the MCU measurements. Deterministic: the same report gives
 * the same bytes.
 */
import type { FootprintReport } from './footprint.js';
import { escapeHtml, layerChart, matrixChart, mcuChart, memoryMap, memorySpans, storageChart } from './html-charts.js';
import { formatInt, formatRatio, formatReal, formatSize } from './numbers.js';
import { reportSections, reportTitle, type Block, type Section } from './sections.js';

export function renderHtml(report: FootprintReport): string {
  const title = reportTitle(report);
  const body = reportSections(report).map((section) => renderSection(section, report));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pibinn ${escapeHtml(report.provenance.toolVersion)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${report.model.description === null ? '' : `<p class="description">${escapeHtml(report.model.description)}</p>`}
<p class="provenance">pibinn ${escapeHtml(report.provenance.toolVersion)} · ${escapeHtml(report.provenance.modelHash ?? 'no container')} · ${escapeHtml(report.provenance.date)}</p>
</header>
<main>
${headline(report)}
${body.join('\n')}
</main>
</body>
</html>
`;
}

/** The figures a reader looks for first. */
function headline(report: FootprintReport): string {
  const t = report.totals;
  const dense = report.storageComparison.find((c) => c.format === 'dense-f32');
  const cards: [string, string, string][] = [
    ['weights', formatSize(t.weightBytes), `${formatInt(t.weightBytes)} B: sign bits, structure, scale`],
    ['vs dense float32', dense === undefined ? '-' : `${formatRatio(dense.ratioToPibinn)}x smaller`, dense === undefined ? '' : `${formatInt(dense.bytes)} B as float32`],
    ['bits per weight', formatReal(t.bitsPerDenseWeight), 'of the dense-equivalent matrices'],
    ['adds per inference', formatInt(t.addsPerInference), `${report.model.layerCount} layers, ${t.matrixCount} matrices`],
  ];
  if (report.runtime !== null) cards.push(['WebAssembly memory', formatSize(report.runtime.linearMemoryBytes), `${report.runtime.memoryPages} x 64 KiB pages, batch of ${report.runtime.maxBatch}`]);
  const flash = (report.mcu ?? []).filter((r) => r.variant === 'pibinn-flash');
  if (flash.length > 0) {
    const worst = flash.reduce((a, b) => (b.ramBytes > a.ramBytes ? b : a));
    cards.push(['Cortex-M RAM', formatSize(worst.ramBytes), `pibinn-flash on ${worst.board}, measured`]);
  }
  const items = cards.map(([label, value, note]) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`);
  return `<div class="cards" id="headline">${items.join('')}</div>`;
}

/** The section's content, with its chart first when it has one. */
function renderSection(section: Section, report: FootprintReport): string {
  const chart = chartOf(section.id, report);
  const blocks = section.blocks.map(renderBlock).join('\n');
  return `<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2>\n${chart}${blocks}</section>`;
}

function chartOf(id: string, report: FootprintReport): string {
  switch (id) {
    case 'comparison':
      return storageChart(report);
    case 'matrices':
      return matrixChart(report);
    case 'layers':
      return layerChart(report);
    case 'runtime':
      return report.runtime === null ? '' : memoryMap(report.runtime) + regionTable(report);
    case 'mcu':
      return mcuChart(report);
    default:
      return '';
  }
}

/** The memory map's regions with their address ranges (the buffer table below lists every buffer). */
function regionTable(report: FootprintReport): string {
  const rows = memorySpans(report.runtime!).map(
    (s) =>
      `<tr><td><i class="swatch region-${escapeHtml(s.region)}"></i>${escapeHtml(s.region)}</td><td class="num">${formatInt(s.offset)}</td><td class="num">${formatInt(s.offset + s.bytes)}</td><td class="num">${formatInt(s.bytes)}</td><td class="num">${s.buffers.length}</td></tr>`,
  );
  return `<div class="table-wrap"><table id="memory-regions"><thead><tr><th>region</th><th class="num">from</th><th class="num">to</th><th class="num">bytes</th><th class="num">buffers</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'fields':
      return `<table class="fields"><tbody>${block.fields.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
    case 'table': {
      const { headers, align, rows } = block.table;
      const cls = (c: number) => (align[c] === 'right' ? ' class="num"' : '');
      const head = headers.map((h, c) => `<th${cls(c)}>${escapeHtml(h)}</th>`).join('');
      const body = rows.map((row) => `<tr>${row.map((cell, c) => `<td${cls(c)}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
      return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
    }
    case 'notes':
      return `<ul class="notes">${block.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
  }
}

const STYLE = `
:root { --fg: #1c2533; --muted: #5d6878; --line: #e2e6ed; --bg: #f4f6fa; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #0f1b2d; color: #fff; padding: 26px 40px 22px; }
header h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: 0.01em; }
header p { margin: 6px 0 0; color: #c3cede; }
header .provenance { font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; color: #8fa1ba; word-break: break-all; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 40px 56px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 12px; margin: 4px 0 18px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 21px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 22px 10px; margin: 16px 0; }
h2 { font-size: 16px; margin: 0 0 12px; }
.table-wrap { overflow-x: auto; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
table.fields { width: auto; margin: 0 0 12px; }
table.fields th { color: var(--muted); font-weight: 500; padding-right: 24px; }
.notes { color: var(--muted); font-size: 12.5px; margin: 4px 0 10px; padding-left: 18px; }
figure { margin: 4px 0 16px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--fg); }
svg text.value, svg text.axis { fill: var(--muted); font-size: 11px; }
svg text.inside { fill: #fff; font-size: 11px; font-weight: 600; }
.region-free + text.inside, .region-self-test + text.inside { fill: #334155; }
.bar.highlight text.label { font-weight: 700; }
.key { display: inline-flex; align-items: center; gap: 4px; margin-right: 10px; }
.key i, i.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.neutral { fill: #9aa7b9; background: #9aa7b9; } .accent { fill: var(--accent); background: var(--accent); }
.signs { fill: #3b82f6; background: #3b82f6; } .meta { fill: #f59e0b; background: #f59e0b; }
.work { fill: #10b981; background: #10b981; } .warn { fill: #ef4444; background: #ef4444; }
.flash { fill: #6366f1; background: #6366f1; } .ram { fill: #14b8a6; background: #14b8a6; }
.region-weights { fill: #3b82f6; background: #3b82f6; } .region-parameters { fill: #8b5cf6; background: #8b5cf6; }
.region-self-test { fill: #94a3b8; background: #94a3b8; } .region-state { fill: #10b981; background: #10b981; }
.region-scratch { fill: #f59e0b; background: #f59e0b; } .region-input { fill: #ec4899; background: #ec4899; }
.region-output { fill: #14b8a6; background: #14b8a6; } .region-free { fill: #e8ecf2; background: #e8ecf2; }
@media print { body { background: #fff; } section, .card { break-inside: avoid; } }
`;
