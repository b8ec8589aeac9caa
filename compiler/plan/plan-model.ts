/**
 * IR -> execution plan: writes the model's container and lets the generic runtime verify,
 * prepare and plan it (engine/plan.ts), so a specialized build runs the plan the generic
 * runtime would run for the same container and options.
 */
import type { IRModel } from '../../core/ir.js';
import type { ExecutionPlan } from '../../core/plan.js';
import { planContainer, type PlanOptions } from '../../engine/plan.js';
import { writeContainer } from '../container/write.js';

export type { PlanOptions } from '../../engine/plan.js';

export function planModel(model: IRModel, options: PlanOptions = {}): ExecutionPlan {
  const file = `${model.name}.pibinn`;
  return planContainer(model, writeContainer(model), file, options);
}
