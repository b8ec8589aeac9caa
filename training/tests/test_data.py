"""Loaders for the published data-set layouts, on small generated files, and the generators."""
import os
import tempfile
import unittest

import numpy as np

import helpers  # noqa: F401
from pibinn_train import data


class Bsd500Test(unittest.TestCase):
    def test_reads_the_folder_layout_as_grayscale(self):
        from skimage import io

        with tempfile.TemporaryDirectory() as root:
            folder = os.path.join(root, "images", "train")
            os.makedirs(folder)
            rng = np.random.default_rng(0)
            io.imsave(os.path.join(folder, "100075.jpg"), rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), check_contrast=False)
            io.imsave(os.path.join(folder, "100080.jpg"), np.full((64, 48), 128, dtype=np.uint8), check_contrast=False)
            with open(os.path.join(folder, "Thumbs.db"), "w") as f:
                f.write("not an image")
            images = data.bsd500_images(root, "train")
            self.assertEqual([im.shape for im in images], [(48, 64), (64, 48)])
            self.assertTrue(all(im.dtype == np.float32 and 0 <= im.min() and im.max() <= 1 for im in images))
            self.assertAlmostEqual(float(images[1].mean()), 128 / 255, delta=0.01)
            os.makedirs(os.path.join(root, "images", "test"))
            with self.assertRaises(FileNotFoundError):
                data.bsd500_images(root, "test")

    def test_patch_tiles_keep_each_patch_contiguous(self):
        image = np.arange(32 * 32, dtype=np.float32).reshape(32, 32)
        tiles = data.patch_tiles(np.random.default_rng(1), [image], 3, patch=8, grid=2)
        for tile in tiles:
            first = tile[:64].reshape(8, 8)  # top-left patch
            np.testing.assert_array_equal(np.diff(first, axis=1), 1)
            np.testing.assert_array_equal(np.diff(first, axis=0), 32)
            np.testing.assert_array_equal(tile[64:128].reshape(8, 8), first + 8)  # top-right patch


class EegTest(unittest.TestCase):
    def test_reads_eegdenoisenet_files(self):
        rng = np.random.default_rng(2)
        with tempfile.TemporaryDirectory() as root:
            np.save(os.path.join(root, "EEG_all_epochs.npy"), rng.standard_normal((5, 512)))
            np.save(os.path.join(root, "EOG_all_epochs.npy"), rng.standard_normal((3, 512)).astype(np.float32))
            np.save(os.path.join(root, "EMG_all_epochs.npy"), rng.standard_normal((4, 512)))
            eeg, eog, emg = data.eegdenoisenet_epochs(root)
            self.assertEqual((eeg.shape, eog.shape, emg.shape), ((5, 512), (3, 512), (4, 512)))
            np.save(os.path.join(root, "EMG_all_epochs.npy"), rng.standard_normal((4, 500)))
            with self.assertRaises(ValueError):
                data.eegdenoisenet_epochs(root)

    def test_mixing_reaches_the_drawn_snr(self):
        rng = np.random.default_rng(3)
        eeg, artifact = data.synthetic_eeg(rng, 200), data.synthetic_emg(rng, 200)
        noisy, clean, snr = data.mix_at_snr(rng, eeg, artifact)
        self.assertTrue(((snr >= -7) & (snr <= 2)).all())
        measured = 10 * np.log10((clean ** 2).mean(1) / ((noisy - clean) ** 2).mean(1))
        np.testing.assert_allclose(measured, snr, atol=1e-3)
        np.testing.assert_allclose(noisy.std(1), 1, atol=1e-5)

    def test_artifacts_live_in_their_bands(self):
        rng = np.random.default_rng(4)
        freqs = np.fft.rfftfreq(data.EEG_SAMPLES, 1 / data.EEG_RATE)
        power = lambda s: (np.abs(np.fft.rfft(s, axis=1)) ** 2).mean(0)
        eog, emg = power(data.synthetic_eog(rng, 50)), power(data.synthetic_emg(rng, 50))
        self.assertGreater(eog[freqs < 4].sum() / eog.sum(), 0.9)
        self.assertGreater(emg[freqs > 15].sum() / emg.sum(), 0.9)


class SparseSignalTest(unittest.TestCase):
    def test_block_sparsity(self):
        x = data.block_sparse_signals(np.random.default_rng(5), 10, 64, 16, 3)
        self.assertTrue(((x.reshape(10, 4, 16) != 0).sum(2) == 3).all())


if __name__ == "__main__":
    unittest.main()


class RealDataExamplesTest(unittest.TestCase):
    """`train --data` runs the image and EEG examples on the published layouts (generated here)."""

    def test_eeg_example_on_eegdenoisenet_files(self):
        from pibinn_train.examples import EXAMPLES

        rng = np.random.default_rng(6)
        with tempfile.TemporaryDirectory() as root:
            for name, count in (("EEG", 30), ("EOG", 20), ("EMG", 10)):
                np.save(os.path.join(root, f"{name}_all_epochs.npy"), rng.standard_normal((count, 512)) * (1 + count))
            problem = EXAMPLES["eeg-artifacts"].make_problem(0, 40, root)
        self.assertEqual(tuple(problem.data.train.y.shape), (40, 512))
        self.assertEqual(tuple(problem.data.test.x.shape), (1000, 512))
        np.testing.assert_allclose(problem.data.test.y.numpy().std(1), 1, atol=1e-4)  # normalised by the noisy std

    def test_partition_is_disjoint_and_complete(self):
        parts = [data.partition(25, p) for p in range(3)]
        self.assertEqual(sorted(np.concatenate(parts).tolist()), list(range(25)))
        self.assertEqual([len(p) for p in parts], [20, 2, 3])
        with self.assertRaises(ValueError):
            data.partition(2, 0)

    def test_image_example_on_a_bsd500_folder(self):
        from skimage import io

        from pibinn_train.cli import main

        rng = np.random.default_rng(7)
        with tempfile.TemporaryDirectory() as root:
            for split in ("train", "test"):
                os.makedirs(os.path.join(root, "images", split))
                for n in range(2):
                    image = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
                    io.imsave(os.path.join(root, "images", split, f"{n}.jpg"), image, check_contrast=False)
            out = os.path.join(root, "results.json")
            self.assertEqual(main(["train", "image-patches", "--data", root, "--layers", "1", "--train-size", "64",
                                   "--epochs-float", "1", "--epochs-binary", "1", "--quantizers", "binary-lazy",
                                   "--results", out]), 0)
            import json

            with open(out) as f:
                self.assertEqual(json.load(f)["data"], root)

    def test_synthetic_examples_refuse_a_data_folder(self):
        from pibinn_train.examples import EXAMPLES

        with self.assertRaises(ValueError):
            EXAMPLES["cs-block-sparse"].make_problem(0, 10, "/nonexistent")
