/**
 * The report's MCU section: the model built into the example firmware of each emulated
 * Cortex-M board, measured by codegen/mcu (arm-none-eabi-size, the linker map, QEMU). Filled
 * only when the ARM toolchain and QEMU are present and the user asks (`build --target mcu --measure`).
 */
export interface McuFootprintRow {
  readonly board: string;
  /** pibinn-flash / pibinn-ram (with -unchecked: bounds checks compiled out), pibinn-int16, dense-c. */
  readonly variant: string;
  readonly maxRelativeL2: number;
  /** QEMU instructions per inference (-icount shift=0, SysTick calibrated; deterministic). */
  readonly instructionsPerInference: number;
  /** Model code (.text) after --gc-sections. */
  readonly codeBytes: number;
  /** Model read-only data and initialised data: weights, tables, constants. */
  readonly constantsBytes: number;
  /** Flash the model needs: code + constants. */
  readonly flashBytes: number;
  /** RAM the model needs: its data + bss + measured stack. */
  readonly ramBytes: number;
  /** WebAssembly linear-memory arena (pibinn variants), else null. */
  readonly arenaBytes: number | null;
  readonly stackBytes: number;
  /** arm-none-eabi-size of the whole firmware image (model + harness + newlib). */
  readonly image: { readonly text: number; readonly data: number; readonly bss: number };
}
