/**
 * Parses model text with the fast native JSON.parse; only when that fails does jsonc-parser run,
 * to find where (V8's message does not always carry a position).
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { fail } from '../../core/diagnostics/diagnostic.js';
import { lineColumnAt } from './source-locator.js';

export function parseModelJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { offset, reason } = locateSyntaxError(text, (error as Error).message);
    const { line, column } = lineColumnAt(text, offset);
    return fail({
      code: 'PB101',
      file,
      byteOffset: Buffer.byteLength(text.slice(0, offset), 'utf8'),
      message: `${reason} at line ${line}, column ${column}`,
      expected: 'a JSON document (RFC 8259: no comments, no trailing commas, no NaN)',
      found: JSON.stringify(text.slice(offset, offset + 20)),
      fix: 'export the model with a JSON serializer (e.g. Python json.dump with allow_nan=False)',
    });
  }
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
