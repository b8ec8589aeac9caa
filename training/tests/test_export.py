"""Export to model.json v1 and back: every structure kind, external payloads, gains, biases,
relax, thresholds and a readout survive the round trip, and the float32 training forward
agrees with the float64 forward of the exported file within the spec's 1e-5."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch

import helpers  # noqa: F401
from pibinn_train.cli import main
from pibinn_train.examples import EXAMPLES, NetworkOptions
from pibinn_train.export import export_model, model_to_json
from pibinn_train.model_io import load_model
from pibinn_train.network import LayerSpec, MatrixSpec, ModelSpec, TermSpec, UnrolledNetwork
from pibinn_train.structure import Banded, BlockDiagonal, Blocks, Dense, Mask


def relative_l2(a, b):
    return np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)


def every_feature_network():
    rng = np.random.default_rng(3)
    state, size, out = 12, 8, 5
    matrices = {
        "A": MatrixSpec(size, state, Blocks(((0, 0, 4, 6), (4, 6, 4, 6))), trainable=False),
        "R": MatrixSpec(state, size, Banded(3, 2), gain=True),
        "B": MatrixSpec(state, size, Mask.from_dense(rng.random((state, size)) < 0.5)),
        "W": MatrixSpec(state, state, BlockDiagonal(4, 4), gain=True),
        "D": MatrixSpec(out, state, Dense()),
    }
    layers = [
        LayerSpec([TermSpec("B", "input")], threshold="soft", theta=0.05),
        LayerSpec([TermSpec("R", "residual")], residual="A", skip=1.0, threshold="soft-nonneg",
                  theta=np.full(state, 0.02), relax=0.5),
        LayerSpec([TermSpec("W", "state"), TermSpec("B", "input")], threshold="none", bias=rng.normal(size=state) * 0.1),
    ]
    net = UnrolledNetwork(ModelSpec("every_feature", state, size, out, matrices, layers, readout="D", metadata={"note": "test"}))
    torch.manual_seed(1)
    with torch.no_grad():
        for op in net.ops.values():
            op.latent.copy_(torch.randn(op.latent.shape))
        net.ops["A"].latent.copy_(0.3 * torch.sign(net.ops["A"].latent))  # fixed one-bit entries: +-lambda
    net.fix_scale(0.3)
    net.set_mode("binary", "learned")
    net.init_scale_from_weights()
    with torch.no_grad():
        net.log_gain["R"].add_(0.3)
    return net


class ExportTest(unittest.TestCase):
    def test_round_trip_of_every_feature(self):
        net = every_feature_network()
        y = torch.randn(64, 8)
        with torch.no_grad():
            expected = net(y).numpy()
        with tempfile.TemporaryDirectory() as d:
            path = export_model(net, d, external_bytes=6, metadata={"metrics": {"nmse_db": -1.0}})
            with open(path) as f:
                model = json.load(f)
            loaded = load_model(path)
            self.assertTrue(os.path.exists(os.path.join(d, "D.bits.npy")))
            payload = np.load(os.path.join(d, "D.bits.npy"))
            self.assertEqual(payload.dtype, np.uint8)
            self.assertEqual(payload.size, (net.ops["D"].nnz + 7) // 8)
        with torch.no_grad():
            got = loaded(y.double()).numpy()
        self.assertLess(relative_l2(expected, got).max(), 1e-5)
        self.assertEqual(set(model["matrices"]["A"]["signs"]), {"encoding", "data"})  # small: inline
        self.assertNotIn("gain", model["matrices"]["B"])
        self.assertAlmostEqual(model["matrices"]["R"]["gain"], float(net.gain("R")), places=6)
        self.assertEqual(model["metadata"], {"note": "test", "metrics": {"nmse_db": -1.0}})
        self.assertEqual(model["readout"], {"matrix": "D"})
        self.assertEqual(model["layers"][1]["relax"], 0.5)
        self.assertEqual(len(model["layers"][1]["threshold"]["theta"]), 12)
        for mid, op in net.ops.items():  # the physics operator keeps its exact signs
            np.testing.assert_array_equal(np.sign(loaded.ops[mid].to_canonical(loaded.ops[mid].latent).numpy()),
                                          np.where(op.to_canonical(op.latent).detach().numpy() < 0, -1.0, 1.0))

    def test_only_one_bit_networks_export(self):
        net = every_feature_network()
        net.set_mode("float")
        with self.assertRaises(ValueError):
            model_to_json(net)
        net.set_mode("binary")
        with torch.no_grad():
            net.ops["A"].latent.mul_(1.5)  # a fixed matrix whose entries are not +-lambda
        with self.assertRaises(ValueError):
            model_to_json(net)

    def test_artifact_subtraction_and_fixed_weight_forms(self):
        example = EXAMPLES["eeg-artifacts"]
        problem = example.make_problem(0, 8)
        for learn in (True, False):
            with self.subTest(learn_weights=learn):
                net = example.make_network(problem, NetworkOptions(layers=2, learn_weights=learn))
                y = problem.data.test.y[:16]
                with torch.no_grad():
                    float_out = net(y)
                    net.set_mode("binary", "learned")
                    net.init_scale_from_weights()
                    binary_out = net(y)
                with tempfile.TemporaryDirectory() as d:
                    loaded = load_model(export_model(net, d))
                with torch.no_grad():
                    got = loaded(y.double()).numpy()
                self.assertLess(relative_l2(binary_out.numpy(), got).max(), 1e-5)
                self.assertEqual(loaded.spec.layers[-1].threshold, "none")  # the y - A x layer
                if not learn:  # W_k = A^T exactly, so binarizing changes nothing
                    self.assertLess(relative_l2(float_out.numpy(), binary_out.numpy()).max(), 1e-6)


class CommandLineTest(unittest.TestCase):
    def test_train_exports_an_example_folder(self):
        with tempfile.TemporaryDirectory() as d:
            folder = os.path.join(d, "example")
            results = os.path.join(d, "results.json")
            code = main(["train", "cs-block-sparse", "--layers", "2", "--train-size", "400", "--epochs-float", "1",
                         "--epochs-binary", "1", "--export", folder, "--results", results, "--test-samples", "4"])
            self.assertEqual(code, 0)
            with open(results) as f:
                summary = json.load(f)
            self.assertEqual(set(summary["variants"]), {"init", "float", "binary-lazy", "binary-l1"})
            with open(os.path.join(folder, "README.md")) as f:
                self.assertIn("--layers 2 --train-size 400", f.read())
            with open(os.path.join(folder, "model.json")) as f:
                model = json.load(f)
            self.assertEqual(model["metadata"]["recipe"]["options"]["layers"], 2)
            net = load_model(os.path.join(folder, "model.json"))
            y = np.load(os.path.join(folder, "inputs.npy"))
            self.assertEqual((y.dtype, y.shape), (np.float32, (4, 256)))
            self.assertEqual(np.load(os.path.join(folder, "truth.npy")).shape, (4, 512))
            torch_outputs = np.load(os.path.join(folder, "torch_outputs.npy"))
            with torch.no_grad():
                got = net(torch.as_tensor(y, dtype=torch.float64)).numpy()
            self.assertLess(relative_l2(torch_outputs, got).max(), 1e-5)

    def test_exported_arrays_are_c_ordered(self):
        # The image network's readout returns a transposed view; .npy files must still be C order.
        with tempfile.TemporaryDirectory() as d:
            main(["train", "image-patches", "--layers", "1", "--train-size", "200", "--epochs-float", "1",
                  "--epochs-binary", "1", "--quantizers", "binary-lazy", "--export", d, "--test-samples", "3"])
            for name in ("inputs", "truth", "torch_outputs"):
                with open(os.path.join(d, f"{name}.npy"), "rb") as f:
                    self.assertIn(b"'fortran_order': False", f.read(128))


if __name__ == "__main__":
    unittest.main()


class EvalCommandTest(unittest.TestCase):
    def test_eval_runs_a_model_json(self):
        folder = os.path.join(helpers.CONFORMANCE, "blocks-readout")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out.npy")
            self.assertEqual(main(["eval", os.path.join(folder, "model.json"), "--inputs", os.path.join(folder, "inputs.npy"),
                                   "--truth", os.path.join(folder, "expected.npy"), "--output", out]), 0)
            np.testing.assert_allclose(np.load(out), np.load(os.path.join(folder, "expected.npy")), rtol=1e-12, atol=1e-14)
