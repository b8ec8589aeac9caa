/** The model.json object as the schema guarantees it, before semantic checks and payload loading. */
import type { StructureDescription } from '../../kinds/index.js';

export interface RawPort {
  name: string;
  size: number;
}

export type RawBytesPayload = { data: string; file?: undefined } | { file: string; data?: undefined };
export type RawNumbersPayload = { data: number[]; file?: undefined } | { file: string; data?: undefined };

/** A structure description as its kind module types it (kinds/), the mask with its payload reference. */
export type RawStructure = Exclude<StructureDescription, { kind: 'mask' }> | (Extract<StructureDescription, { kind: 'mask' }> & RawBytesPayload);

export type RawSigns =
  | ({ encoding: 'bits' } & RawBytesPayload)
  | ({ encoding: 'values' } & RawNumbersPayload)
  | ({ encoding: 'dense-values' } & RawNumbersPayload);

export interface RawMatrix {
  rows: number;
  cols: number;
  structure: RawStructure;
  signs: RawSigns;
  gain?: number;
}

export interface RawTerm {
  matrix: string;
  source: 'state' | 'input' | 'residual';
}

export interface RawLayer {
  terms: RawTerm[];
  residual?: { matrix: string };
  skip?: number;
  bias?: number | number[];
  threshold: { kind: 'soft' | 'hard' | 'soft-nonneg' | 'none'; theta?: number | number[] };
  relax?: number;
}

export interface RawModel {
  format: 'pibinn-model';
  version: 1;
  name: string;
  description?: string;
  scale: number;
  state: number;
  input: RawPort;
  output: RawPort;
  matrices: Record<string, RawMatrix>;
  layers: RawLayer[];
  readout?: { matrix: string };
  metadata?: Record<string, unknown>;
}
