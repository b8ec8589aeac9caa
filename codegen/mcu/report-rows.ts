/** MCU measurements as rows of the footprint report's MCU section. */
import type { McuFootprintRow } from '../../compiler/report/mcu.js';
import type { McuMeasurement } from './measure.js';

const BOARD_NAMES: Record<string, string> = { an385: 'Cortex-M3 (mps2-an385)', an386: 'Cortex-M4F (mps2-an386)' };

export function mcuReportRows(measurements: readonly McuMeasurement[]): McuFootprintRow[] {
  return measurements.map((m) => ({
    board: BOARD_NAMES[m.board] ?? m.board,
    variant: m.variant,
    maxRelativeL2: m.run.maxRelativeL2,
    instructionsPerInference: m.instructions,
    codeBytes: m.footprint.model.text,
    constantsBytes: m.footprint.model.rodata + m.footprint.model.data,
    flashBytes: m.footprint.flashBytes,
    ramBytes: m.footprint.ramBytes,
    arenaBytes: m.arenaBytes ?? null,
    stackBytes: m.footprint.stackBytes,
    image: { ...m.footprint.image },
  }));
}
