/** The two builds of every WebAssembly module: with SIMD (v128) and without (any engine). */
export type Flavor = 'simd' | 'scalar';

export const FLAVORS: readonly Flavor[] = ['simd', 'scalar'];
