/*
 * A native host for the generic runtime's scalar build translated by wasm2c: it reads a
 * container and raw f32 inputs from files, loads the container through the runtime's exports and
 * writes the raw f32 outputs to stdout. Exit status: 0, or the runtime's load status.
 * Usage: host <model.pibinn> <inputs.f32> <count>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"

static unsigned char *read_file(const char *path, long *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *length = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *bytes = malloc(*length > 0 ? *length : 1);
  if (fread(bytes, 1, *length, f) != (size_t)*length) *length = -1;
  fclose(f);
  return bytes;
}

int main(int argc, char **argv) {
  if (argc != 4) return 100;
  long container_length, inputs_length;
  unsigned char *container = read_file(argv[1], &container_length);
  unsigned char *inputs = read_file(argv[2], &inputs_length);
  int count = atoi(argv[3]);
  if (!container || !inputs || container_length < 0 || inputs_length < 0) return 101;

  wasm_rt_init();
  Z_pibinn_runtime_init_module();
  Z_pibinn_runtime_instance_t m;
  Z_pibinn_runtime_instantiate(&m);
  u32 at = Z_pibinn_runtimeZ_alloc_container(&m, (u32)container_length);
  if (at == 0) return 102;
  memcpy(m.w2c_memory.data + at, container, container_length); /* memory may have grown: read .data now */
  u32 status = Z_pibinn_runtimeZ_load(&m, at, (u32)container_length);
  if (status != 0) return (int)status;

  u32 in_size = Z_pibinn_runtimeZ_input_size(&m), out_size = Z_pibinn_runtimeZ_output_size(&m);
  if (inputs_length != (long)count * in_size * 4) return 103;
  for (int t = 0; t < count; t++) {
    memcpy(m.w2c_memory.data + Z_pibinn_runtimeZ_input_ptr(&m), inputs + (size_t)t * in_size * 4, in_size * 4);
    if (Z_pibinn_runtimeZ_infer(&m) != 0) return 104;
    fwrite(m.w2c_memory.data + Z_pibinn_runtimeZ_output_ptr(&m), 4, out_size, stdout);
  }
  Z_pibinn_runtime_free(&m);
  wasm_rt_free();
  return 0;
}
