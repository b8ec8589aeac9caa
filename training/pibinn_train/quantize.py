"""Weight quantizers applied to an operator's storage (latent weights, zeros off-structure).

`binary` is PIBiNN's: sign(w) times one scale (lambda, optionally times a per-matrix gain).
`ternary` (TWN-style, one scale per matrix) and `channelwise` (sign with one scale per output
row) are the baselines the paper compares against; they are trained the same way but cannot be
exported to model.json, whose weights are one-bit with one global scale.
"""
from __future__ import annotations

import torch


class _SignSTE(torch.autograd.Function):
    """sign with 0 -> +1 (the spec's rule), and an identity straight-through gradient."""

    @staticmethod
    def forward(ctx, w):
        return torch.where(w < 0, -torch.ones_like(w), torch.ones_like(w))

    @staticmethod
    def backward(ctx, grad):
        return grad


def sign_ste(w: torch.Tensor) -> torch.Tensor:
    return _SignSTE.apply(w)


def ste(quantized: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Forward value `quantized`, gradient of the identity in `w`."""
    return w + (quantized - w).detach()


def mean_abs(w: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """The L2-optimal scale of a sign quantizer over the existing entries."""
    return w.detach().abs()[valid].mean()


def ternary(w: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Ternary weight network: zero below 0.7 mean|w|, one L2-optimal scale for the rest."""
    magnitude = w.detach().abs()
    delta = 0.7 * magnitude[valid].mean()
    keep = (magnitude > delta) & valid
    alpha = magnitude[keep].mean() if bool(keep.any()) else magnitude.new_zeros(())
    return ste(alpha * torch.sign(w.detach()) * keep, w)


def channelwise(w: torch.Tensor, valid: torch.Tensor, row_of: torch.Tensor, rows: int) -> torch.Tensor:
    """sign(w) with one L2-optimal scale per output row (mean |w| over the row's entries)."""
    magnitude = w.detach().abs() * valid
    sums = torch.zeros(rows, dtype=w.dtype).index_add_(0, row_of[valid], magnitude[valid])
    counts = torch.zeros(rows, dtype=w.dtype).index_add_(0, row_of[valid], torch.ones_like(magnitude[valid]))
    scale = (sums / counts.clamp(min=1))[row_of]
    return ste(scale * torch.where(w < 0, -1.0, 1.0) * valid, w)
