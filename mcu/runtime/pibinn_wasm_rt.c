/* pibinn's wasm2c runtime for bare metal, replacing wabt's wasm-rt-impl.c, which needs mmap,
 * malloc and signals, and reads an enum through va_arg (a silent HardFault with the short enums of
 * arm-none-eabi). Linear memory is a static arena handed over by the generated model file, memory
 * never grows, traps longjmp to the caller of the model's API. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "pibinn_wasm_rt.h"
#include "wasm-rt.h"

/* Distinct function signatures the firmware's modules may register (call_indirect checks). */
#ifndef PIBINN_WASM_RT_MAX_FUNC_TYPES
#define PIBINN_WASM_RT_MAX_FUNC_TYPES 16
#endif
#define MAX_SIGNATURE_TYPES 14

/* Defined whatever the configuration: the generated code references it when it counts depth. */
uint32_t wasm_rt_call_stack_depth;

static uint8_t *pending_arena;
static uint32_t pending_arena_bytes;
static jmp_buf *trap_target;

typedef struct {
  uint8_t params, results;
  uint8_t types[MAX_SIGNATURE_TYPES];
} func_type_t;

static func_type_t func_types[PIBINN_WASM_RT_MAX_FUNC_TYPES];
static uint32_t func_type_count;

void pibinn_wasm_rt_use_arena(uint8_t *arena, uint32_t bytes) {
  pending_arena = arena;
  pending_arena_bytes = bytes;
}

void pibinn_wasm_rt_catch_traps(jmp_buf *target) { trap_target = target; }

__attribute__((weak)) void pibinn_wasm_rt_unhandled_trap(int code) {
  (void)code;
  for (;;) {
  }
}

void wasm_rt_init(void) {}

bool wasm_rt_is_initialized(void) { return true; }

void wasm_rt_free(void) {}

void wasm_rt_trap(wasm_rt_trap_t code) {
  wasm_rt_call_stack_depth = 0;
  if (trap_target != NULL) longjmp(*trap_target, (int)code);
  pibinn_wasm_rt_unhandled_trap((int)code);
  for (;;) {
  }
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "no error";
    case WASM_RT_TRAP_OOB: return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "invalid call_indirect";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
    default: return "unknown trap";
  }
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  func_type_t type = {(uint8_t)params, (uint8_t)results, {0}};
  if (params + results > MAX_SIGNATURE_TYPES) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  va_list args;
  va_start(args, results);
  /* Enums are promoted to int through varargs; reading them as the (short) enum type is the
   * HardFault that wabt's runtime hits on arm-none-eabi. */
  for (uint32_t i = 0; i < params + results; i++) type.types[i] = (uint8_t)va_arg(args, int);
  va_end(args);
  for (uint32_t i = 0; i < func_type_count; i++) {
    const func_type_t *known = &func_types[i];
    if (known->params == type.params && known->results == type.results &&
        memcmp(known->types, type.types, params + results) == 0) {
      return i + 1;
    }
  }
  if (func_type_count == PIBINN_WASM_RT_MAX_FUNC_TYPES) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  func_types[func_type_count] = type;
  return ++func_type_count;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  if (pending_arena == NULL) wasm_rt_trap(WASM_RT_TRAP_OOB);
  uint64_t declared = (uint64_t)initial_pages * 65536u;
  memory->data = pending_arena;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = declared < pending_arena_bytes ? (uint32_t)declared : pending_arena_bytes;
  memset(memory->data, 0, memory->size);
  pending_arena = NULL;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t pages) {
  (void)memory;
  (void)pages;
  return UINT32_MAX; /* memory.grow fails: the arena is static (the modules never grow) */
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) { memory->data = NULL; }
