/**
 * The cross-language constants have one source (core/constants.ts and schema/pibinn.fbs): the
 * committed AssemblyScript copy and the TypeScript schema slots must equal a fresh generation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedConstants, parseSchema } from '../../scripts/generate-constants.js';

describe('generated constants', () => {
  it('are up to date (run `npm run gen:constants`)', () => {
    for (const [path, text] of generatedConstants('.')) expect(readFileSync(path, 'utf8'), `${path} is stale`).toBe(text);
  });

  it('read slots, enums and struct sizes off the schema', () => {
    const schema = parseSchema('enum E : ubyte { A = 0, B = 3 }\nstruct S { a: uint32; b: E; }\ntable T { x: uint32; // comment\n  y: [S]; }');
    expect(Object.fromEntries(schema.enums.get('E')!)).toEqual({ A: 0, B: 3 });
    expect(schema.tables.get('T')).toEqual(['x', 'y']);
    expect(schema.structs.get('S'), 'u32 + u8 padded to the u32 alignment').toBe(8);
  });
});
