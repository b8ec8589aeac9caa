/**
 * Parses model text with the fast native JSON.parse (iterative: any depth is safe), then
 * checks what it lets through (json-structure.ts). Only when the parse fails does jsonc-parser
 * run, to find where (V8's message does not always carry a position); it recurses, so the
 * text's depth is bounded first.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { fail, PibinnError } from '../../core/diagnostics/diagnostic.js';
import { checkJsonStructure, depthExceeded, findDepthExcess } from './json-structure.js';
import { lineColumnAt } from './source-locator.js';

export function parseModelJson(text: string, file: string, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const excess = findDepthExcess(text, maxDepth);
    if (excess !== undefined) throw new PibinnError(depthExceeded(text, file, excess, maxDepth));
    syntaxError(text, file, (error as Error).message);
  }
  const issues = checkJsonStructure(text, file, maxDepth);
  if (issues.length > 0) throw new PibinnError(issues);
  return value;
}

function syntaxError(text: string, file: string, nativeMessage: string): never {
  if (text.startsWith('\ufeff')) {
    fail({ code: 'PB101', file, byteOffset: 0, message: 'the file starts with a byte order mark (U+FEFF)', expected: 'a JSON document (RFC 8259: no byte order mark)', found: 'bytes 0xef 0xbb 0xbf', fix: 'save the file as UTF-8 without BOM' });
  }
  const { offset, reason } = locateSyntaxError(text, nativeMessage);
  const { line, column } = lineColumnAt(text, offset);
  return fail({
    code: 'PB101',
    file,
    position: { line, column },
    byteOffset: Buffer.byteLength(text.slice(0, offset), 'utf8'),
    message: `${reason} at line ${line}, column ${column}`,
    expected: 'a JSON document (RFC 8259: no comments, no trailing commas, no NaN)',
    found: JSON.stringify(text.slice(offset, offset + 20)),
    fix: 'export the model with a JSON serializer (e.g. Python json.dump with allow_nan=False)',
  });
}

function locateSyntaxError(text: string, nativeMessage: string): { offset: number; reason: string } {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    // 'PropertyNameExpected' -> 'property name expected'
    const reason = printParseErrorCode(errors[0].error).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
    return { offset: errors[0].offset, reason };
  }
  // jsonc-parser accepted what JSON.parse refused (it is more lenient in a few corners).
  const position = /position (\d+)/.exec(nativeMessage);
  return { offset: position ? Number(position[1]) : 0, reason: nativeMessage };
}
