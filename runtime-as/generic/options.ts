/**
 * Options a host sets before `load` (OPTION_ in core/constants.ts); they persist across loads and
 * shape the plan: the table budget of the lookup kernels, k-bit activations, the batch size and
 * the memory the runtime may grow to.
 */
import {
  DEFAULT_TABLE_BYTES_LIMIT, DETAIL_OPTION, MEMORY_LIMIT_BYTES, OPTION_ACTIVATION_BITS, OPTION_MAX_BATCH, OPTION_MEMORY_LIMIT,
  OPTION_TABLE_BYTES_LIMIT, STATUS_BAD_ARGUMENT,
} from '../generated/constants';
import { fail } from './status';

export let tableBytesLimit: i32 = DEFAULT_TABLE_BYTES_LIMIT;
/** 0: float32 activations. */
export let activationBits: i32 = 0;
/** 0: the default batch (up to DEFAULT_MAX_BATCH within BATCH_BUFFER_BUDGET_BYTES). */
export let maxBatchOption: i32 = 0;
export let memoryLimit: u64 = MEMORY_LIMIT_BYTES;

/** Sets one option; false (BAD_ARGUMENT, DETAIL_OPTION) for an unknown option or a value out of range. */
export function setOption(option: i32, value: f64): bool {
  if (!(value >= 0 && value == Math.floor(value))) return fail(STATUS_BAD_ARGUMENT, DETAIL_OPTION, -1);
  if (option == OPTION_TABLE_BYTES_LIMIT && value <= <f64>i32.MAX_VALUE) {
    tableBytesLimit = <i32>value;
    return true;
  }
  if (option == OPTION_ACTIVATION_BITS && (value == 0 || (value >= 2 && value <= 16))) {
    activationBits = <i32>value;
    return true;
  }
  if (option == OPTION_MAX_BATCH && value <= 65536) {
    maxBatchOption = <i32>value;
    return true;
  }
  if (option == OPTION_MEMORY_LIMIT) {
    memoryLimit = value == 0 ? MEMORY_LIMIT_BYTES : min(<u64>value, MEMORY_LIMIT_BYTES);
    return true;
  }
  return fail(STATUS_BAD_ARGUMENT, DETAIL_OPTION, -1);
}
