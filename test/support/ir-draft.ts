/**
 * Tests write IR by hand with matrix ids (`{ matrix: 'W', source: 'state' }`), as model.json
 * does; `resolveModel` turns such a draft into IR whose terms, residuals and readout refer to
 * the matrix objects, failing on an id the draft does not define.
 */
import type { IRLayer, IRMatrix, IRModel, TermSource } from '../../core/ir.js';

export interface DraftTerm {
  readonly matrix: string;
  readonly source: TermSource;
}

export type DraftLayer = Omit<IRLayer, 'terms' | 'residual'> & { readonly terms: readonly DraftTerm[]; readonly residual?: string };

export type DraftModel = Omit<IRModel, 'matrices' | 'layers' | 'readout'> & {
  readonly matrices: readonly IRMatrix[];
  readonly layers: readonly DraftLayer[];
  readonly readout?: string;
};

export function resolveModel(draft: DraftModel): IRModel {
  const byId = new Map(draft.matrices.map((m) => [m.id, m]));
  const matrix = (id: string): IRMatrix => {
    const found = byId.get(id);
    if (found === undefined) throw new Error(`test model "${draft.name}" refers to undefined matrix "${id}"`);
    return found;
  };
  const { readout, layers, ...rest } = draft;
  return {
    ...rest,
    layers: layers.map(({ terms, residual, ...layer }) => ({
      ...layer,
      terms: terms.map((t) => ({ matrix: matrix(t.matrix), source: t.source })),
      ...(residual !== undefined && { residual: matrix(residual) }),
    })),
    ...(readout !== undefined && { readout: matrix(readout) }),
  };
}

/** The model's matrix with this id (tests name matrices as model.json does). */
export function matrixNamed(model: IRModel, id: string): IRMatrix {
  const found = model.matrices.find((m) => m.id === id);
  if (found === undefined) throw new Error(`model "${model.name}" has no matrix "${id}"`);
  return found;
}
