/* pibinn's wasm2c runtime for bare metal: what the generated model files need from it beyond
 * wasm-rt.h. One copy per firmware, shared by every model in it. */
#ifndef PIBINN_WASM_RT_H
#define PIBINN_WASM_RT_H

#include <setjmp.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The next wasm_rt_allocate_memory call takes this static buffer as the linear memory (there is
 * no malloc). It may be smaller than the module's declared pages: accesses past `bytes` then trap
 * (with bounds checks on), instead of reading the zeros a full 64 KiB page would hold. */
void pibinn_wasm_rt_use_arena(uint8_t *arena, uint32_t bytes);

/* Traps longjmp to `target` with the wasm_rt_trap_t code as value; NULL restores the default
 * (pibinn_wasm_rt_unhandled_trap). */
void pibinn_wasm_rt_catch_traps(jmp_buf *target);

/* Called for a trap with no target set. Weak: a firmware may define its own. Must not return. */
void pibinn_wasm_rt_unhandled_trap(int code);

#ifdef __cplusplus
}
#endif

#endif /* PIBINN_WASM_RT_H */
