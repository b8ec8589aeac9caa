import { describe, expect, it } from 'vitest';
import { readContainer } from '../../compiler/container/read.js';
import { writeContainer } from '../../compiler/container/write.js';
import { CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';

describe('conformance models through the container', () => {
  it('finds the conformance models', () => {
    expect(CONFORMANCE_MODELS.length).toBeGreaterThanOrEqual(8);
  });

  it.each(CONFORMANCE_MODELS)('%s: model.json -> IR -> container -> IR is lossless', (name) => {
    const { model } = loadConformanceModel(name);
    const bytes = writeContainer(model);
    const back = readContainer(bytes, `${name}.pibinn`);
    expect(back).toStrictEqual(model);
    expect([...back.matrices.keys()]).toEqual([...model.matrices.keys()]);
    expect(writeContainer(back)).toEqual(bytes);
  });
});
