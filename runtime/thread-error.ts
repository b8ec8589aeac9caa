/** PB701: a worker or helper thread of the runtime failed (parallel.ts, threaded.ts). */
import { PibinnError } from '../core/diagnostics/diagnostic.js';

export function threadError(name: string, message: string, fix: string): PibinnError {
  return new PibinnError({ code: 'PB701', severity: 'error', file: name, message, fix });
}
