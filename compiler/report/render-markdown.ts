/** Markdown footprint report: the same sections as GitHub tables, for PRs and READMEs. */
import type { FootprintReport } from './footprint.js';
import { reportSections, reportTitle, type Block, type Table } from './sections.js';

export function renderMarkdown(report: FootprintReport): string {
  const out: string[] = [`# ${escapeInline(reportTitle(report))}`];
  for (const section of reportSections(report)) {
    out.push('', `## ${escapeInline(section.title)}`);
    for (const block of section.blocks) out.push('', ...renderBlock(block));
  }
  return `${out.join('\n')}\n`;
}

function renderBlock(block: Block): readonly string[] {
  switch (block.kind) {
    case 'fields':
      return renderTable({ headers: ['field', 'value'], align: ['left', 'left'], rows: block.fields });
    case 'table':
      return renderTable(block.table);
    case 'notes':
      return block.lines.map((line) => `- ${escapeInline(line)}`);
  }
}

function renderTable(table: Table): readonly string[] {
  const row = (cells: readonly string[]) => `| ${cells.map(escapeInline).join(' | ')} |`;
  const rule = `|${table.align.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [row(table.headers), rule, ...table.rows.map(row)];
}

/** Keeps table cells and list items literal: no accidental emphasis, code spans or column breaks. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_|<>[\]#]/g, (c) => `\\${c}`);
}
