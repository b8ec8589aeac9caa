"""The results pipeline end to end with smoke-test budgets: sweep -> JSON -> Markdown + PNG."""
import json
import os
import tempfile
import unittest

import helpers  # noqa: F401
import numpy as np

from pibinn_train import data
from pibinn_train.examples import GRID, PATCH
from pibinn_train.results import COLUMNS, EXAMPLES_DIR, _tile_image, render, run_sweep


class ResultsTest(unittest.TestCase):
    def test_quick_sweep_renders_tables_and_plots(self):
        with tempfile.TemporaryDirectory() as out:
            run_sweep(out, ["cs-block-sparse"], quick=True, log=lambda _: None)
            with open(os.path.join(out, "results.json")) as f:
                runs = json.load(f)["runs"]
            self.assertEqual([r["kind"] for r in runs], ["sweep", "lever", "lever"])
            self.assertTrue(set(COLUMNS) <= set(runs[0]["variants"]))
            text = render(out)
            self.assertIn("meaningless", text)
            self.assertIn("| 4 | ", text)  # the K = 4 row
            self.assertIn("LISTA form", text)
            self.assertGreater(os.path.getsize(os.path.join(out, "cs-block-sparse.png")), 1000)
            # The shipped example's output plot (the example folder is part of the repository).
            self.assertTrue(os.path.exists(os.path.join(EXAMPLES_DIR, "cs-block-sparse", "model.json")))
            self.assertGreater(os.path.getsize(os.path.join(out, "cs-block-sparse-example.png")), 1000)

    def test_tiles_reassemble_into_the_crop(self):
        side = GRID * PATCH
        image = np.arange(side * side, dtype=np.float32).reshape(side, side)
        tile = data.patch_tiles(np.random.default_rng(0), [image], 1, PATCH, GRID)[0]
        np.testing.assert_array_equal(_tile_image(tile), image)


if __name__ == "__main__":
    unittest.main()
