"""Each structure kind's operator against a dense reference built from the spec's definition."""
import unittest

import numpy as np
import torch

import helpers  # noqa: F401  (path and threads)
from pibinn_train.operators import make_operator
from pibinn_train.structure import Banded, BlockDiagonal, Blocks, Dense, Mask, pack_sign_bits, unpack_sign_bits

RNG = np.random.default_rng(7)
MASK = RNG.random((5, 7)) < 0.4
CASES = [
    ("dense", 4, 6, Dense(), lambda i, j: True),
    ("block-diagonal", 6, 9, BlockDiagonal(2, 3), lambda i, j: i // 2 == j // 3),
    ("banded square", 7, 7, Banded(2, 1), lambda i, j: -2 <= j - i <= 1),
    ("banded tall", 9, 4, Banded(0, 2), lambda i, j: 0 <= j - i <= 2),
    ("banded wide", 3, 8, Banded(1, 4), lambda i, j: -1 <= j - i <= 4),
    ("blocks", 6, 8, Blocks(((3, 0, 2, 3), (0, 5, 4, 2), (0, 0, 1, 4), (4, 4, 2, 4))),
     lambda i, j: (3 <= i < 5 and j < 3) or (i < 4 and 5 <= j < 7) or (i < 1 and j < 4) or (i >= 4 and j >= 4)),
    ("mask", 5, 7, Mask.from_dense(MASK), lambda i, j: bool(MASK[i, j])),
]


def existing(rows, cols, exists):
    return [(i, j) for i in range(rows) for j in range(cols) if exists(i, j)]


class OperatorTest(unittest.TestCase):
    def test_canonical_order_and_nnz(self):
        for name, rows, cols, structure, exists in CASES:
            with self.subTest(name):
                op = make_operator(rows, cols, structure)
                expected = existing(rows, cols, exists)
                self.assertEqual(op.nnz, len(expected))
                self.assertEqual([tuple(c) for c in op.canonical_coordinates()], expected)

    def test_matvec_matches_dense_reference(self):
        for name, rows, cols, structure, exists in CASES:
            with self.subTest(name):
                op = make_operator(rows, cols, structure).double()
                values = torch.randn(op.nnz, dtype=torch.float64)
                dense = np.zeros((rows, cols))
                for k, (i, j) in enumerate(existing(rows, cols, exists)):
                    dense[i, j] = values[k]
                x = torch.randn(3, cols, dtype=torch.float64)
                got = op.matvec(op.from_canonical(values), x).numpy()
                np.testing.assert_allclose(got, x.numpy() @ dense.T, rtol=1e-12, atol=1e-12)
                np.testing.assert_array_equal(op.to_canonical(op.from_canonical(values)).numpy(), values.numpy())

    def test_rejects_bad_structures(self):
        with self.assertRaises(ValueError):
            make_operator(6, 8, BlockDiagonal(2, 3))
        with self.assertRaises(ValueError):
            make_operator(6, 8, Blocks(((0, 0, 3, 3), (2, 2, 2, 2))))
        with self.assertRaises(ValueError):
            make_operator(6, 8, Blocks(((5, 0, 2, 1),)))


class SignBitsTest(unittest.TestCase):
    def test_spec_example(self):
        # Spec section 8: 0xA5 ("pQ==") means canonical entries 0, 2, 5 and 7 are negative.
        values = np.array([-1, 1, -1, 1, 1, -1, 1, -1.0])
        self.assertEqual(pack_sign_bits(values), bytes([0xA5]))
        np.testing.assert_array_equal(unpack_sign_bits(bytes([0xA5]), 8), values)

    def test_zero_is_positive_and_padding_is_zero(self):
        packed = pack_sign_bits(np.array([0.0, -0.5, 0.25, -2, 1, 1, 1, 1, -1, 0]))
        self.assertEqual(packed, bytes([0b00001010, 0b00000001]))


if __name__ == "__main__":
    unittest.main()
