/**
 * Where a report comes from: the tool and its version, which model (a hash of its canonical
 * content), and when. The model hash is the SHA-256 of the .pibinn container this version of
 * pibinn writes for the model: the container is the model's canonical, lossless encoding (every
 * IR field, float64 parameters, a deterministic writer), so the hash is the same whether the
 * report came from model.json or from the container, and `sha256sum <name>.pibinn` checks it.
 * The date follows reproducible-builds.org: SOURCE_DATE_EPOCH when set, else the clock.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, PibinnError } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { writeContainer } from '../container/write.js';

export interface Provenance {
  readonly tool: 'pibinn';
  /** The version in pibinn's package.json. */
  readonly toolVersion: string;
  /** `sha256:<hex>` of the model's container; null when the model has none (over the format's 2 GiB, or an IR it refuses). */
  readonly modelHash: string | null;
  /** ISO 8601, UTC, to the second. */
  readonly date: string;
  /** `SOURCE_DATE_EPOCH` (a reproducible build) or `clock` (the time of the run). */
  readonly dateSource: 'SOURCE_DATE_EPOCH' | 'clock';
}

export interface ProvenanceOptions {
  /** The model's container, when the caller has written it already. */
  readonly container?: Uint8Array;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
}

export function provenanceOf(model: IRModel, options: ProvenanceOptions = {}): Provenance {
  const { date, dateSource } = reportDate(options.env ?? process.env, options.clock ?? Date.now);
  return { tool: 'pibinn', toolVersion: toolVersion(), modelHash: modelHash(model, options.container), date, dateSource };
}

/** `sha256:<hex>` of the container; null when the model cannot have one (a report never refuses a model). */
export function modelHash(model: IRModel, container?: Uint8Array): string | null {
  let bytes = container;
  if (bytes === undefined) {
    try {
      bytes = writeContainer(model);
    } catch (error) {
      if (error instanceof PibinnError) return null;
      throw error;
    }
  }
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function reportDate(env: Readonly<Record<string, string | undefined>>, clock: () => number): Pick<Provenance, 'date' | 'dateSource'> {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return { date: isoSeconds(clock()), dateSource: 'clock' };
  // The convention: a malformed value is an error, never silently replaced by the clock.
  if (!/^\d+$/.test(epoch) || !Number.isSafeInteger(Number(epoch) * 1000)) {
    fail({ code: 'PB001', file: '<environment>', message: 'SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC', found: JSON.stringify(epoch), fix: 'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)' });
  }
  return { date: isoSeconds(Number(epoch) * 1000), dateSource: 'SOURCE_DATE_EPOCH' };
}

function isoSeconds(milliseconds: number): string {
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

let version: string | undefined;

/** The version in the package.json above this file (the same walk works from sources and from dist/). */
export function toolVersion(): string {
  if (version !== undefined) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pibinn') return (version = pkg.version ?? 'unknown');
    }
    if (dirname(dir) === dir) return (version = 'unknown');
  }
}
