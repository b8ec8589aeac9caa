"""Structure kinds of model-format-v1 (section 3.1): which entries of a matrix exist.

Each kind knows its JSON form and checks that it fits its matrix; the operators in
operators.py turn it into compact storage with canonical-order mappings. Also here: the
spec's packing of sign bits.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Dict, Tuple, Union

import numpy as np


@dataclass(frozen=True)
class Dense:
    def to_json(self) -> dict:
        return {"kind": "dense"}



@dataclass(frozen=True)
class BlockDiagonal:
    block_rows: int
    block_cols: int

    def to_json(self) -> dict:
        return {"kind": "block-diagonal", "blockRows": self.block_rows, "blockCols": self.block_cols}


    def check(self, rows: int, cols: int) -> None:
        if rows % self.block_rows or cols % self.block_cols or rows // self.block_rows != cols // self.block_cols:
            raise ValueError(f"block-diagonal {self.block_rows}x{self.block_cols} does not tile a {rows}x{cols} matrix")


@dataclass(frozen=True)
class Banded:
    lower: int
    upper: int

    def to_json(self) -> dict:
        return {"kind": "banded", "lower": self.lower, "upper": self.upper}

    def valid(self, rows: int, cols: int) -> np.ndarray:
        """(rows, lower+upper+1) bool: band slot d of row i holds column i - lower + d, if inside."""
        j = np.arange(rows)[:, None] - self.lower + np.arange(self.lower + self.upper + 1)[None, :]
        return (j >= 0) & (j < cols)



@dataclass(frozen=True)
class Blocks:
    rects: Tuple[Tuple[int, int, int, int], ...]  # (row0, col0, rows, cols)

    def to_json(self) -> dict:
        return {"kind": "blocks", "blocks": [list(r) for r in self.rects]}


    def check(self, rows: int, cols: int) -> None:
        for n, (r0, c0, h, w) in enumerate(self.rects):
            if r0 < 0 or c0 < 0 or h < 1 or w < 1 or r0 + h > rows or c0 + w > cols:
                raise ValueError(f"block {[r0, c0, h, w]} leaves the {rows}x{cols} matrix")
            for s0, d0, g, v in self.rects[:n]:
                if r0 < s0 + g and s0 < r0 + h and c0 < d0 + v and d0 < c0 + w:
                    raise ValueError(f"block {[r0, c0, h, w]} overlaps block {[s0, d0, g, v]}")


@dataclass(frozen=True)
class Mask:
    bitmap: bytes  # row-major bitmap of rows*cols bits, LSB first, as in the spec

    def to_json(self) -> dict:
        return {"kind": "mask", "encoding": "bits", "data": base64.b64encode(self.bitmap).decode("ascii")}

    def dense(self, rows: int, cols: int) -> np.ndarray:
        bits = np.unpackbits(np.frombuffer(self.bitmap, dtype=np.uint8), bitorder="little")
        return bits[: rows * cols].reshape(rows, cols).astype(bool)


    @staticmethod
    def from_dense(mask: np.ndarray) -> "Mask":
        return Mask(np.packbits(mask.astype(bool).ravel(), bitorder="little").tobytes())


Structure = Union[Dense, BlockDiagonal, Banded, Blocks, Mask]


def structure_from_json(obj: Dict, read_payload) -> Structure:
    """`read_payload(obj)` resolves a `data` / `file` payload to raw bytes (mask bitmaps)."""
    kind = obj.get("kind")
    if kind == "dense":
        return Dense()
    if kind == "block-diagonal":
        return BlockDiagonal(int(obj["blockRows"]), int(obj["blockCols"]))
    if kind == "banded":
        return Banded(int(obj["lower"]), int(obj["upper"]))
    if kind == "blocks":
        return Blocks(tuple(tuple(int(v) for v in r) for r in obj["blocks"]))
    if kind == "mask":
        return Mask(read_payload(obj))
    raise ValueError(f"unknown structure kind {kind!r}")


def pack_sign_bits(values: np.ndarray) -> bytes:
    """Spec 3.3 `bits`: entry k is bit k % 8 of byte k // 8, bit 1 = negative, zero padding."""
    return np.packbits(np.asarray(values) < 0, bitorder="little").tobytes()


def unpack_sign_bits(data: bytes, nnz: int) -> np.ndarray:
    """+1 / -1 per entry in canonical order."""
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")[:nnz]
    return 1.0 - 2.0 * bits.astype(np.float64)

