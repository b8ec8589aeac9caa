/**
 * Elementwise stages of a layer over f32 vectors: pre-activation init (skip * x + bias), vector
 * add / copy, and the state update (threshold then relax). None branches on data: thresholds use
 * min / max / select (f32x4.pmin / pmax / bitmask in SIMD), as a branchy soft threshold costs up
 * to 2.3x through mispredictions. A per-element parameter is either a vector (non-zero pointer)
 * or one scalar; the choice is a constant in specialized modules and folds away.
 */
import { constF32 } from './constants';
import { THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG } from './generated/constants';

export { THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG };

@inline function paramAt(vector: usize, scalar: f32, i: i32): f32 {
  return vector != 0 ? constF32(vector + (<usize>i << 2)) : scalar;
}

@inline function param4At(vector: usize, scalar: f32, i: i32): v128 {
  return vector != 0 ? v128.load(vector + (<usize>i << 2)) : f32x4.splat(scalar);
}

/** eta_theta(z) for one element: soft = z - clamp(z, -theta, theta), hard keeps z iff |z| > theta. */
@inline function threshold1(kind: i32, z: f32, theta: f32): f32 {
  if (kind == THRESHOLD_SOFT) return z - min(max(z, -theta), theta);
  if (kind == THRESHOLD_HARD) return select<f32>(z, 0, abs(z) > theta);
  if (kind == THRESHOLD_SOFT_NONNEG) return max(z - theta, 0);
  return z;
}

@inline function threshold4(kind: i32, z: v128, theta: v128): v128 {
  if (kind == THRESHOLD_SOFT) {
    return f32x4.sub(z, f32x4.pmin(f32x4.pmax(z, f32x4.neg(theta)), theta));
  }
  if (kind == THRESHOLD_HARD) return v128.and(z, f32x4.gt(f32x4.abs(z), theta));
  if (kind == THRESHOLD_SOFT_NONNEG) return f32x4.pmax(f32x4.sub(z, theta), f32x4.splat(0));
  return z;
}

/** z = skip * x + bias, with `x` not read when skip is 0 (layer 1, where x_0 = 0, passes 0). */
@inline export function initPreactivation(z: usize, x: usize, n: i32, skip: f32, bias: f32, biasVector: usize): void {
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(skip);
    for (; i + 4 <= n; i += 4) {
      const b = param4At(biasVector, bias, i);
      const value = skip == 0 ? b : f32x4.add(f32x4.mul(s, v128.load(x + (<usize>i << 2))), b);
      v128.store(z + (<usize>i << 2), value);
    }
  }
  for (; i < n; i++) {
    const b = paramAt(biasVector, bias, i);
    store<f32>(z + (<usize>i << 2), skip == 0 ? b : skip * load<f32>(x + (<usize>i << 2)) + b);
  }
}

/** dst += src over n elements. */
@inline export function addVector(dst: usize, src: usize, n: i32): void {
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const p = dst + (<usize>i << 2);
      v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) {
    const p = dst + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
  }
}

/** n f32 values from src to dst (non-overlapping). */
@inline export function copyVector(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** n zeros at dst. */
@inline export function zeroVector(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/**
 * x = keep * x + relax * eta_theta(z), with keep = 1 - relax; relax == 1 writes eta(z) directly
 * (x is then not read, which keeps the update exact).
 */
@inline export function updateState(
  x: usize, z: usize, n: i32, kind: i32, theta: f32, thetaVector: usize, relax: f32, keep: f32,
): void {
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const r = f32x4.splat(relax);
    const k = f32x4.splat(keep);
    for (; i + 4 <= n; i += 4) {
      const p = x + (<usize>i << 2);
      const eta = threshold4(kind, v128.load(z + (<usize>i << 2)), param4At(thetaVector, theta, i));
      v128.store(p, relax == 1 ? eta : f32x4.add(f32x4.mul(k, v128.load(p)), f32x4.mul(r, eta)));
    }
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 2);
    const eta = threshold1(kind, load<f32>(z + (<usize>i << 2)), paramAt(thetaVector, theta, i));
    store<f32>(p, relax == 1 ? eta : keep * load<f32>(p) + relax * eta);
  }
}
