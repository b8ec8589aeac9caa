"""Network semantics, quantizers, scales and the two-stage training on a tiny problem."""
import json
import math
import os
import tempfile
import unittest

import numpy as np
import torch

import helpers  # noqa: F401
from pibinn_train.examples import EXAMPLES, NetworkOptions
from pibinn_train.model_io import load_model
from pibinn_train.network import LayerSpec, MatrixSpec, ModelSpec, TermSpec, UnrolledNetwork, apply_threshold
from pibinn_train.structure import Banded, BlockDiagonal
from pibinn_train.train import StageConfig, calibrate_gains, evaluate, l1_pull, nmse_db, train_stage

SPEC_EXAMPLE = {
    "format": "pibinn-model", "version": 1, "name": "tiny", "scale": 0.25, "state": 4,
    "input": {"name": "y", "size": 4}, "output": {"name": "x", "size": 4},
    "matrices": {
        "B": {"rows": 4, "cols": 4, "structure": {"kind": "block-diagonal", "blockRows": 2, "blockCols": 2},
              "signs": {"encoding": "bits", "data": "pQ=="}},
        "W": {"rows": 4, "cols": 4, "structure": {"kind": "banded", "lower": 1, "upper": 1},
              "signs": {"encoding": "values", "data": [0.3, -0.2, -0.1, 0.4, 0.2, 0.1, -0.3, 0.2, 0.5, -0.4]}}},
    "layers": [
        {"terms": [{"matrix": "B", "source": "input"}], "threshold": {"kind": "soft", "theta": 0.1}},
        {"terms": [{"matrix": "W", "source": "state"}, {"matrix": "B", "source": "input"}],
         "threshold": {"kind": "soft", "theta": 0.05}}],
}


def tiny_lista(gain=False):
    matrices = {"W": MatrixSpec(6, 6, Banded(1, 1), gain=gain), "B": MatrixSpec(6, 3, BlockDiagonal(2, 1), gain=gain)}
    layers = [LayerSpec([TermSpec("B", "input")], theta=0.1),
              LayerSpec([TermSpec("W", "state"), TermSpec("B", "input")], theta=0.1)]
    net = UnrolledNetwork(ModelSpec("t", 6, 3, 6, matrices, layers))
    torch.manual_seed(0)
    with torch.no_grad():
        for op in net.ops.values():
            op.latent.copy_(torch.randn(op.latent.shape) * 0.1)
    return net


class SemanticsTest(unittest.TestCase):
    def test_spec_section_8_example(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            with open(path, "w") as f:
                json.dump(SPEC_EXAMPLE, f)
            net = load_model(path)
        out, states = net(torch.tensor([[1, -0.5, 0.25, 2]], dtype=torch.float64), trace=True)
        np.testing.assert_allclose(states[0][0].numpy(), [-0.275, -0.275, -0.3375, -0.3375], rtol=1e-12)
        np.testing.assert_allclose(out[0].numpy(), [-0.325, -0.409375, -0.45625, -0.3875], rtol=1e-12)

    def test_thresholds(self):
        z = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
        theta = torch.tensor(1.0)
        self.assertEqual(apply_threshold("soft", z, theta).tolist(), [-1, 0, 0, 0, 1])
        self.assertEqual(apply_threshold("hard", z, theta).tolist(), [-2, 0, 0, 0, 2])
        self.assertEqual(apply_threshold("soft-nonneg", z, theta).tolist(), [0, 0, 0, 0, 1])
        self.assertEqual(apply_threshold("none", z, theta).tolist(), z.tolist())

    def test_spec_validation(self):
        with self.assertRaises(ValueError):  # W is 6x6 but used on the 3-entry input
            UnrolledNetwork(ModelSpec("t", 6, 3, 6, {"W": MatrixSpec(6, 6, Banded(1, 1))}, [LayerSpec([TermSpec("W", "input")])]))
        with self.assertRaises(ValueError):  # unreferenced matrix
            UnrolledNetwork(ModelSpec("t", 6, 3, 6, {"B": MatrixSpec(6, 3, BlockDiagonal(2, 1)), "U": MatrixSpec(6, 6, Banded(0, 0))},
                                      [LayerSpec([TermSpec("B", "input")])]))


class QuantizerTest(unittest.TestCase):
    def test_binary_weights_are_scale_times_sign(self):
        net = tiny_lista()
        net.set_mode("binary", "closed")
        w = net.ops["W"].latent
        valid = net.ops["W"].valid
        scale = float(net.scale())
        all_abs = torch.cat([op.latent.detach().abs()[op.valid] for op in net.ops.values()])
        self.assertAlmostEqual(scale, float(all_abs.mean()), places=6)
        expected = scale * torch.where(w < 0, -1.0, 1.0) * valid
        self.assertTrue(torch.equal(net.weights("W"), expected))

    def test_learned_gains_start_at_the_closed_form(self):
        net = tiny_lista(gain=True)
        net.set_mode("binary", "closed")
        closed = {m: float(net.scale() * net.gain(m)) for m in ("W", "B")}
        net.set_mode("binary", "learned")
        net.init_scale_from_weights()
        for m in ("W", "B"):
            op = net.ops[m]
            self.assertAlmostEqual(float(net.scale() * net.gain(m)), float(op.latent.detach().abs()[op.valid].mean()), places=6)
            self.assertAlmostEqual(float(net.scale() * net.gain(m)), closed[m], places=6)

    def test_straight_through_gradient_reaches_latent_weights(self):
        net = tiny_lista()
        net.set_mode("binary", "learned")
        net.init_scale_from_weights()
        net(torch.randn(4, 3)).pow(2).sum().backward()
        self.assertGreater(float(net.ops["W"].latent.grad.abs().sum()), 0)
        self.assertGreater(float(net.log_scale.grad.abs()), 0)

    def test_ternary_and_channelwise(self):
        net = tiny_lista()
        net.set_mode("ternary")
        w = net.weights("W")[net.ops["W"].valid]
        levels = torch.unique(w.abs())
        self.assertLessEqual(len(levels), 2)
        self.assertIn(0.0, levels.tolist())
        net.set_mode("channelwise")
        op = net.ops["W"]
        w = net.weights("W")
        for row in range(6):
            entries = w[op.row_of == row][op.valid[op.row_of == row]]
            latent = op.latent.detach()[op.row_of == row][op.valid[op.row_of == row]]
            self.assertTrue(torch.allclose(entries.abs(), latent.abs().mean().expand_as(entries)))


class TrainingTest(unittest.TestCase):
    def test_two_stages_on_a_tiny_problem(self):
        example = EXAMPLES["cs-block-sparse"]
        torch.manual_seed(0)
        problem = example.make_problem(0, 1000)
        net = example.make_network(problem, NetworkOptions(layers=3))
        data = problem.data
        start = nmse_db(evaluate(net, data.val), data.val.x)
        stage1 = train_stage(net, data, StageConfig(3, 3e-3), example.quality)
        self.assertLess(-stage1["val"], start - 0.2)  # stage 1 learns
        net.set_mode("binary", "learned")
        net.init_scale_from_weights()
        self.assertEqual(float(net.scale()), 0.25)  # pinned to the one-bit physics operator
        pull_before = float(l1_pull(net))
        train_stage(net, data, StageConfig(2, 1e-3, variant="l1", l1_weight=10.0), example.quality)
        self.assertLess(float(l1_pull(net)), pull_before)  # the pull moves latent weights to the grid
        self.assertTrue(math.isfinite(nmse_db(evaluate(net, data.test), data.test.x)))

    def test_gain_calibration_repairs_expansive_gains(self):
        example = EXAMPLES["cs-block-sparse"]
        problem = example.make_problem(0, 10)
        net = example.make_network(problem, NetworkOptions(layers=6))
        net.set_mode("binary", "learned")
        net.init_scale_from_weights()
        with torch.no_grad():
            for m in net.trainable_ids():
                net.log_gain[m].add_(math.log(4))  # steps 4x too large: the iteration diverges
        val = problem.data.val
        before = example.quality(evaluate(net, val), val.x)
        factor = calibrate_gains(net, val, example.quality)
        self.assertLessEqual(factor, 0.5)
        self.assertGreater(example.quality(evaluate(net, val), val.x), before + 3)


if __name__ == "__main__":
    unittest.main()


class InitialisationTest(unittest.TestCase):
    def test_both_forms_start_as_ista(self):
        """Untrained, the residual and LISTA networks are K iterations of ISTA with step 1 / L."""
        example = EXAMPLES["deconv-motion-blur"]
        problem = example.make_problem(0, 10)
        op, weights = problem.physics.operator()
        a = op.matvec(weights, torch.eye(op.cols, dtype=torch.float64)).T.numpy()  # dense A, small here
        step = 1 / problem.physics.lipschitz
        y = problem.data.test.y[:5].double().numpy()
        x = np.zeros((5, a.shape[1]))
        for _ in range(3):
            z = x + step * (y - x @ a.T) @ a
            x = np.sign(z) * np.maximum(np.abs(z) - 0.05, 0)
        for form in ("residual", "lista"):
            with self.subTest(form):
                net = example.make_network(problem, NetworkOptions(layers=3, form=form)).double()
                with torch.no_grad():
                    got = net(torch.as_tensor(y)).numpy()
                np.testing.assert_allclose(got, x, rtol=1e-5, atol=1e-6)
