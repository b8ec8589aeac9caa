"""The PyTorch forward of every conformance model (written independently from the spec)
matches the independent float64 evaluator's expected outputs."""
import os
import unittest

import numpy as np
import torch

from helpers import CONFORMANCE
from pibinn_train.model_io import load_model


class ConformanceTest(unittest.TestCase):
    def test_every_fixture(self):
        names = sorted(os.listdir(CONFORMANCE))
        self.assertGreaterEqual(len([n for n in names if os.path.isdir(os.path.join(CONFORMANCE, n))]), 8)
        for name in names:
            folder = os.path.join(CONFORMANCE, name)
            if not os.path.isdir(folder):
                continue
            with self.subTest(name):
                net = load_model(os.path.join(folder, "model.json"))
                y = torch.as_tensor(np.load(os.path.join(folder, "inputs.npy")), dtype=torch.float64)
                expected = np.load(os.path.join(folder, "expected.npy"))
                with torch.no_grad():
                    got = net(y).numpy()
                error = np.linalg.norm(got - expected, axis=1) / np.maximum(np.linalg.norm(expected, axis=1), 1e-300)
                self.assertLess(error.max(), 1e-12)


if __name__ == "__main__":
    unittest.main()
