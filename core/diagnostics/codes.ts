/**
 * Every diagnostic the toolchain can emit, numbered once here. Ranges:
 * PB0xx command line and I/O, PB1xx JSON syntax and schema, PB2xx model semantics,
 * PB3xx payloads and external files, PB4xx limits, PB5xx containers, PB6xx WebAssembly code
 * generation, PB7xx the embedding runtime, PB8xx warnings.
 */
export const DIAGNOSTIC_CODES = {
  PB001: 'usage error',
  PB002: 'cannot read file',
  PB003: 'cannot write output',
  PB004: 'unrecognised input file type',
  PB005: 'input vector size mismatch',

  PB101: 'invalid JSON',
  PB102: 'wrong type',
  PB103: 'unknown key',
  PB104: 'missing required key',
  PB105: 'value out of range',
  PB106: 'value does not match the required pattern',
  PB107: 'not a pibinn model',
  PB108: 'unsupported format version',
  PB109: 'invalid value',
  PB110: 'duplicate key',
  PB111: 'invalid text encoding',

  PB201: 'reference to an undefined matrix',
  PB202: 'matrix dimensions do not fit',
  PB203: 'block-diagonal blocks do not tile the matrix',
  PB204: 'block lies outside the matrix',
  PB205: 'blocks overlap',
  PB206: 'residual matrix missing or unused',
  PB207: 'vector length does not match state',
  PB208: 'unused matrix',
  PB209: 'output size does not match',

  PB301: 'invalid base64 payload',
  PB302: 'unsafe file path',
  PB303: 'external file not found or unreadable',
  PB304: 'invalid .npy file',
  PB305: 'unsupported .npy dtype for this payload',
  PB306: 'element count mismatch',
  PB307: 'padding bits are not zero',
  PB308: 'nonzero value outside the structure',
  PB309: 'non-finite value in payload',
  PB310: 'payload path is not a regular file',

  PB401: 'model exceeds an implementation limit',

  PB501: 'not a pibinn container',
  PB502: 'container truncated or offset out of bounds',
  PB503: 'container payload misaligned',
  PB504: 'container checksum mismatch',
  PB505: 'container structure inconsistent',
  PB506: 'unsupported container schema version',

  PB601: 'WebAssembly compilation failed',
  PB602: 'generated WebAssembly module is invalid',
  PB603: 'generated module failed its self-test',
  PB604: 'required external tool not found',
  PB605: 'external tool failed',
  PB606: 'parameter out of float32 range',

  PB701: 'inference thread failed',

  PB801: 'state update may not be a contraction',
  PB802: 'large quantization error',
  PB803: 'matrix has no existing entries',
  PB804: 'parameter overflows float32',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
