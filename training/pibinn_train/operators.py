"""Structured linear operators, one per structure kind, that never hold a dense R x C weight
where the structure allows it (block-diagonal, banded, blocks).

Each operator owns a *storage* tensor in a compact, kind-specific layout. The network decides
what goes into it (latent float weights, or lambda * sign(latent)), and calls `matvec` with the
storage-shaped effective weights. `to_canonical` / `from_canonical` map storage to the spec's
canonical order (row by row, increasing column) for export and loading.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .structure import Banded, BlockDiagonal, Blocks, Dense, Mask, Structure


class StructuredOperator(nn.Module):
    """Base: `latent` (storage layout), `valid` (which storage slots are real entries), and
    `row_of` / `col_of` (the matrix coordinates of each storage slot)."""

    def __init__(self, rows: int, cols: int, structure: Structure, valid: torch.Tensor, row_of: torch.Tensor, col_of: torch.Tensor):
        super().__init__()
        self.rows, self.cols, self.structure = rows, cols, structure
        self.latent = nn.Parameter(torch.zeros(valid.shape))
        self.register_buffer("valid", valid)
        self.register_buffer("row_of", row_of)
        self.register_buffer("col_of", col_of)
        self.nnz = int(valid.sum())

    def matvec(self, weights: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """(batch, cols) -> (batch, rows) with storage-shaped `weights` (zero outside `valid`)."""
        raise NotImplementedError

    def to_canonical(self, storage: torch.Tensor) -> torch.Tensor:
        return storage[self.valid]

    def from_canonical(self, values: torch.Tensor) -> torch.Tensor:
        storage = torch.zeros(self.valid.shape, dtype=values.dtype)
        storage[self.valid] = values
        return storage

    def canonical_coordinates(self) -> np.ndarray:
        """(nnz, 2) array of (row, col) per entry in canonical order."""
        return torch.stack([self.to_canonical(self.row_of), self.to_canonical(self.col_of)], dim=1).numpy()


class BlockDiagonalOperator(StructuredOperator):
    """Storage (blocks, r, c): one batched matmul over the diagonal blocks. Its row-major
    flattening is already the canonical order."""

    def __init__(self, rows: int, cols: int, structure: BlockDiagonal):
        structure.check(rows, cols)
        blocks, r, c = rows // structure.block_rows, structure.block_rows, structure.block_cols
        row_of = torch.arange(rows).view(blocks, r, 1).expand(blocks, r, c).contiguous()
        col_of = torch.arange(cols).view(blocks, 1, c).expand(blocks, r, c).contiguous()
        super().__init__(rows, cols, structure, torch.ones(blocks, r, c, dtype=torch.bool), row_of, col_of)

    def matvec(self, weights, x):
        blocks, _, c = weights.shape
        xb = x.reshape(x.shape[0], blocks, c)
        return torch.einsum("kij,bkj->bki", weights, xb).reshape(x.shape[0], self.rows)


class BandedOperator(StructuredOperator):
    """Storage (rows, lower+upper+1): slot d of row i holds column i - lower + d (LAPACK-style
    band storage). The product gathers the band of x with `unfold`; slots outside the matrix
    are invalid and stay zero."""

    def __init__(self, rows: int, cols: int, structure: Banded):
        valid = torch.from_numpy(structure.valid(rows, cols))
        width = structure.lower + structure.upper + 1
        row_of = torch.arange(rows).view(rows, 1).expand(rows, width).contiguous()
        col_of = row_of - structure.lower + torch.arange(width).view(1, width)
        super().__init__(rows, cols, structure, valid, row_of, col_of)
        self.pad_left = structure.lower
        self.pad_right = max(0, rows + structure.upper - cols)

    def matvec(self, weights, x):
        padded = nn.functional.pad(x, (self.pad_left, self.pad_right))
        windows = padded.unfold(1, weights.shape[1], 1)[:, : self.rows, :]  # (batch, rows, width)
        return (windows * weights).sum(dim=2)


class BlocksOperator(StructuredOperator):
    """Storage: the rectangles' row-major entries concatenated; one small matmul per rectangle."""

    def __init__(self, rows: int, cols: int, structure: Blocks):
        structure.check(rows, cols)
        row_of = torch.cat([torch.arange(r0, r0 + h).repeat_interleave(w) for r0, _, h, w in structure.rects])
        col_of = torch.cat([torch.arange(c0, c0 + w).repeat(h) for _, c0, h, w in structure.rects])
        super().__init__(rows, cols, structure, torch.ones(row_of.numel(), dtype=torch.bool), row_of, col_of)
        permutation = torch.from_numpy(np.lexsort((col_of.numpy(), row_of.numpy())))
        self.register_buffer("canonical_index", permutation)
        self.register_buffer("storage_index", torch.argsort(permutation))

    def matvec(self, weights, x):
        out = x.new_zeros(x.shape[0], self.rows)
        offset = 0
        for r0, c0, h, w in self.structure.rects:
            block = weights[offset: offset + h * w].view(h, w)
            out[:, r0: r0 + h] += x[:, c0: c0 + w] @ block.T
            offset += h * w
        return out

    def to_canonical(self, storage):
        return storage[self.canonical_index]

    def from_canonical(self, values):
        return values[self.storage_index]


class MaskedDenseOperator(StructuredOperator):
    """Dense and mask kinds: an R x C storage with structural zeros masked out. The mask kind
    has no closed form to exploit, so a dense product is the simplest exact choice."""

    def __init__(self, rows: int, cols: int, structure: Structure):
        if isinstance(structure, Mask):
            valid = torch.from_numpy(structure.dense(rows, cols))
        else:
            valid = torch.ones(rows, cols, dtype=torch.bool)
        row_of = torch.arange(rows).view(rows, 1).expand(rows, cols).contiguous()
        col_of = torch.arange(cols).view(1, cols).expand(rows, cols).contiguous()
        super().__init__(rows, cols, structure, valid, row_of, col_of)

    def matvec(self, weights, x):
        return x @ weights.T


def make_operator(rows: int, cols: int, structure: Structure) -> StructuredOperator:
    if isinstance(structure, BlockDiagonal):
        return BlockDiagonalOperator(rows, cols, structure)
    if isinstance(structure, Banded):
        return BandedOperator(rows, cols, structure)
    if isinstance(structure, Blocks):
        return BlocksOperator(rows, cols, structure)
    if isinstance(structure, (Dense, Mask)):
        return MaskedDenseOperator(rows, cols, structure)
    raise TypeError(f"unsupported structure {structure!r}")

