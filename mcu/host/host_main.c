/* Host harness (gcc on the build machine): runs a generated MCU target folder on raw float32
 * input vectors from stdin and writes the raw float32 outputs to stdout, so the tests check the
 * same C (wasm2c output + pibinn runtime) on every conformance model without an emulator.
 * Exit status: 0, or 2 (init trap), 3 (run trap), 4 (self-test failures), 5 (short input). */
#include <stdio.h>
#include <string.h>

#include "harness_model.h"

int main(void) {
  if (MODEL_INIT() != 0) return 2;
  if (MODEL_SELF_TEST() != 0) return 4;
  float input[MODEL_INPUT_SIZE];
  size_t got;
  while ((got = fread(input, sizeof(float), MODEL_INPUT_SIZE, stdin)) == MODEL_INPUT_SIZE) {
    memcpy(MODEL_INPUT(), input, sizeof input);
    if (MODEL_RUN() != 0) return 3;
    fwrite(MODEL_OUTPUT(), sizeof(float), MODEL_OUTPUT_SIZE, stdout);
  }
  return got == 0 ? 0 : 5;
}
