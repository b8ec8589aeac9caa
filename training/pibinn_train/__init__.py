"""pibinn_train: train one-bit physics-inspired unrolled networks (PIBiNN) in PyTorch and
export them as model.json v1. See docs/training.md; run `python -m pibinn_train --help`."""
