/**
 * MCU replacement of runtime-as/constants.ts (same functions, same signatures): the constant
 * region (sign bits, structure tables, parameter vectors, self-test vectors) is not in linear
 * memory but in a `const` array the host keeps in flash, read through these imports. The
 * generated C (codegen/mcu/emit-api.ts) defines them next to that array in the same translation
 * unit, so the C compiler inlines each one into a plain flash load.
 */

// @ts-ignore: decorator
@external("env", "const_u64") declare function hostConstU64(address: u32): u64;
// @ts-ignore: decorator
@external("env", "const_u32") declare function hostConstU32(address: u32): u32;

/** 8 bytes at any byte address of the constant region. */
@inline export function constU64(address: usize): u64 {
  return hostConstU64(<u32>address);
}

@inline export function constU32(address: usize): u32 {
  return hostConstU32(<u32>address);
}

@inline export function constF32(address: usize): f32 {
  return reinterpret<f32>(hostConstU32(<u32>address));
}

/** n f32 values from the constant region to linear memory. */
@inline export function copyConstants(dst: usize, src: usize, n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    store<u32>(dst + (<usize>i << 2), hostConstU32(<u32>(src + (<usize>i << 2))));
  }
}
