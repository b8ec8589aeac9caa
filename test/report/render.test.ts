import { describe, expect, it } from 'vitest';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { renderMarkdown } from '../../compiler/report/render-markdown.js';
import { renderText } from '../../compiler/report/render-text.js';
import { richModel } from './report-models.js';

const report = buildFootprint(richModel());
const sections = ['Model', 'Matrices', 'Layers', 'Totals', 'Weight storage comparison', 'Memory', 'Runtime', `Warnings (${report.warnings.length})`];

describe('renderText', () => {
  const text = renderText(report);
  const lines = text.split('\n');

  it('renders every section with an underlined title', () => {
    expect(lines[0]).toBe('PIBiNN footprint report: rich');
    for (const title of sections) {
      const at = lines.indexOf(title);
      expect(at, title).toBeGreaterThan(0);
      expect(lines[at + 1]).toBe('-'.repeat(title.length));
    }
  });

  it('shows the numbers of the report', () => {
    expect(text).toContain('Runtime: not built');
    expect(text).toContain('no: gain != 1 on B (32 bits of metadata each)');
    expect(text).toContain('a model with every optional part');
    expect(text).toContain('{"dataset":"synthetic","epochs":[20,24]}');
    expect(text).toContain('W*(y - A*x)');
    expect(text).toContain('readout: D*x, 12 adds.');
    expect(text).toMatch(/^ram \(total\) +[\d,]+ +[\d.]+$/m);
    for (const m of report.matrices) expect(text).toMatch(new RegExp(`^${m.id} +${m.structure.replace(/[()]/g, '\\$&')} `, 'm'));
    for (const d of report.warnings) expect(text).toContain(`warning ${d.code}`);
  });

  it('aligns table columns: right-aligned cells end under their header', () => {
    const header = lines.findIndex((l) => l.startsWith('format ') && l.includes('weights (B)'));
    const end = lines[header].indexOf('weights (B)') + 'weights (B)'.length;
    const rows = lines.slice(header + 2, header + 2 + report.storageComparison.length);
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row[end - 1]).toMatch(/\d/);
      expect(row[end]).toBe(' ');
    }
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report);

  it('renders every section as a heading with GitHub tables', () => {
    expect(md.startsWith('# PIBiNN footprint report: rich\n')).toBe(true);
    for (const title of sections) expect(md).toContain(`\n## ${title}\n`);
    expect(md).toContain('| field | value |\n| --- | --- |');
    expect(md).toMatch(/^\| format \| weights \(B\) \| KiB \| vs PIBiNN \| description \|\n\| --- \| ---: \| ---: \| ---: \| --- \|$/m);
    expect(md).toContain('- Runtime: not built');
  });

  it('escapes markdown in cells, so formulas do not turn into emphasis', () => {
    expect(md).toContain('W\\*(y - A\\*x)');
    expect(md).toContain('\\|\\|J\\|\\| est.');
  });

  it('has one row per matrix, layer and format', () => {
    const tableRows = (first: string) => md.split('\n').filter((l) => l.startsWith(`| ${first}`));
    for (const m of report.matrices) expect(tableRows(`${m.id} |`)).toHaveLength(1);
    expect(tableRows('pibinn |')).toHaveLength(1);
    for (const l of report.layers) expect(md).toMatch(new RegExp(`^\\| ${l.index} \\| `, 'm'));
  });
});
