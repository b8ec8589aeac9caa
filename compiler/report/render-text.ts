/** Plain-text footprint report: aligned columns, for terminals and logs. */
import type { FootprintReport } from './footprint.js';
import { reportSections, reportTitle, type Block, type Table } from './sections.js';

export function renderText(report: FootprintReport): string {
  const title = reportTitle(report);
  const out: string[] = [title, '='.repeat(title.length)];
  for (const section of reportSections(report)) {
    out.push('', section.title, '-'.repeat(section.title.length));
    section.blocks.forEach((block, i) => {
      if (i > 0) out.push('');
      for (const line of renderBlock(block)) out.push(line);
    });
  }
  return `${out.join('\n')}\n`;
}

function renderBlock(block: Block): readonly string[] {
  switch (block.kind) {
    case 'fields': {
      const width = Math.max(...block.fields.map(([key]) => key.length));
      return block.fields.map(([key, value]) => `${key.padEnd(width)} : ${value}`);
    }
    case 'table':
      return renderTable(block.table);
    case 'notes':
      return block.lines;
  }
}

function renderTable(table: Table): readonly string[] {
  const widths = table.headers.map((h, c) => Math.max(h.length, ...table.rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (table.align[c] === 'right' ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(table.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)];
}
