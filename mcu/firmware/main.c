/* Firmware harness: runs one model (through "harness_model.h", generated per build) on the test
 * vectors embedded in "test_vectors.h" (float64 reference outputs from pibinn's evaluator),
 * prints per-vector errors and one `result` line through semihosting, and returns 0 iff every
 * vector is within tolerance. Cost is SysTick ticks per inference: deterministic under QEMU
 * -icount shift=0, where SysTick counts once per 40 instructions (docs/mcu.md). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness_model.h"
#include "test_vectors.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define SYST_RELOAD 0xFFFFFFu
#define STACK_PAINT 0xA5A5A5A5u

static volatile uint32_t systick_wraps;

void SysTick_Handler(void) { systick_wraps++; }

static void systick_start(void) {
  SYST_RVR = SYST_RELOAD;
  SYST_CVR = 0;
  systick_wraps = 0;
  SYST_CSR = 7; /* processor clock, interrupt on wrap, enable */
  while (SYST_CVR == 0) {
  } /* the first tick loads the reload value without counting a wrap */
}

/* Ticks since systick_start; the 24-bit counter counts down and wraps into systick_wraps. */
static uint64_t systick_now(void) {
  uint32_t wraps, value;
  do {
    wraps = systick_wraps;
    value = SYST_CVR;
  } while (wraps != systick_wraps);
  return (uint64_t)wraps * (SYST_RELOAD + 1) + (SYST_RELOAD - value);
}

/* Ticks of a loop of exactly 2 * CALIBRATION_LOOPS instructions, to convert ticks to instructions. */
#define CALIBRATION_LOOPS 1000000u
static uint64_t calibration_ticks(void) {
  systick_start();
  uint64_t start = systick_now();
  __asm volatile("mov r0, %0\n1: subs r0, #1\n bne 1b" : : "r"(CALIBRATION_LOOPS) : "r0", "cc");
  uint64_t ticks = systick_now() - start;
  SYST_CSR = 0;
  return ticks;
}

extern uint32_t __stack_limit__;

/* Fills the unused stack below the current frame, so stack_used() can find the deepest write. */
static void __attribute__((noinline)) stack_paint(void) {
  uint32_t here;
  for (volatile uint32_t *p = &__stack_limit__; p < &here - 16;) *p++ = STACK_PAINT;
}

static uint32_t stack_used(void) {
  extern uint32_t __stack_top__;
  const uint32_t *p = &__stack_limit__;
  while (p < &__stack_top__ && *p == STACK_PAINT) p++;
  return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)p);
}

int main(void) {
  int status = MODEL_INIT();
  if (status != 0) {
    printf("result board=%s error=init trap=%d\n", BOARD, status);
    return 2;
  }
  int self_test = MODEL_SELF_TEST();
  int failures = 0;
  double worst_rel = 0, worst_abs = 0;
  uint64_t ticks = 0;
  uint32_t run_stack = 0;
  extern uint32_t __stack_top__;
  /* Stack of main's own frame, so stack_bytes is what MODEL_RUN and its callees use. */
  const uint32_t main_stack = (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)__builtin_frame_address(0));
  for (int t = 0; t < TEST_COUNT; t++) {
    memcpy(MODEL_INPUT(), &test_inputs[t * MODEL_INPUT_SIZE], sizeof(float) * MODEL_INPUT_SIZE);
    stack_paint();
    systick_start();
    uint64_t start = systick_now();
    status = MODEL_RUN();
    ticks += systick_now() - start;
    SYST_CSR = 0;
    if (stack_used() > run_stack) run_stack = stack_used();
    if (status != 0) {
      printf("result board=%s error=run trap=%d\n", BOARD, status);
      return 3;
    }
    const float *out = MODEL_OUTPUT();
    const double *expected = &test_expected[t * MODEL_OUTPUT_SIZE];
    double error = 0, norm = 0, max_abs = 0;
    for (uint32_t i = 0; i < MODEL_OUTPUT_SIZE; i++) {
      double d = (double)out[i] - expected[i];
      error += d * d;
      norm += expected[i] * expected[i];
      if (fabs(d) > max_abs || d != d) max_abs = fabs(d);
    }
    error = sqrt(error);
    norm = sqrt(norm);
    double rel = norm > 0 ? error / norm : error;
    if (!(error <= TOLERANCE * norm + 1e-6)) failures++;
    if (!(rel <= worst_rel)) worst_rel = rel;
    if (!(max_abs <= worst_abs)) worst_abs = max_abs;
    printf("vector %d rel_l2=%.3e max_abs=%.3e\n", t, rel, max_abs);
  }
  printf("result board=%s vectors=%d failures=%d self_test=%d max_rel_l2=%.3e max_abs=%.3e "
         "ticks_per_inference=%lu stack_bytes=%lu calibration_instructions=%lu calibration_ticks=%lu\n",
         BOARD, TEST_COUNT, failures, self_test, worst_rel, worst_abs, (unsigned long)(ticks / TEST_COUNT),
         (unsigned long)(run_stack - main_stack),
         (unsigned long)(2 * CALIBRATION_LOOPS), (unsigned long)calibration_ticks());
  return failures == 0 && self_test == 0 ? 0 : 1;
}
