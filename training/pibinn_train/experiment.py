"""One experiment: an example's network trained in float (stage 1), then fine-tuned from the
same float weights under each quantizer (stage 2), with test metrics and storage per variant."""
from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict
from typing import Callable, Dict, Optional, Sequence

import torch

from .examples import Example, NetworkOptions, Problem
from .network import UnrolledNetwork
from .train import StageConfig, calibrate_gains, evaluate, train_stage

# Stage-2 variants: (name, forward mode, stage-2 variant).
QUANTIZERS = {
    "binary-lazy": ("binary", "lazy"),
    "binary-l1": ("binary", "l1"),
    "ternary": ("ternary", "lazy"),
    "channelwise": ("channelwise", "lazy"),
}


def storage(net: UnrolledNetwork, quantizer: str) -> Dict:
    """Stored weight bits per dense-equivalent weight, and model bytes (weights + scales +
    thresholds + biases at 32 bits). Structures cost a few header words, counted as 4 x 32 bits."""
    bits, dense = 0, 0
    for mid, m in net.spec.matrices.items():
        nnz = net.ops[mid].nnz
        dense += m.rows * m.cols
        bits += 4 * 32
        if not m.trainable or quantizer.startswith("binary"):
            bits += nnz + (32 if m.gain else 0)
        elif quantizer == "float":
            bits += 32 * nnz
        elif quantizer == "ternary":
            bits += 2 * nnz + 32
        else:  # channelwise
            bits += nnz + 32 * m.rows
    bits += 32  # the global scale
    other = sum(t.numel() for t in net.thetas) + sum(b.numel() for b in net.biases.values())
    return {"bits_per_weight": bits / dense, "bytes": math.ceil(bits / 8) + 4 * other}


def run_experiment(example: Example, options: NetworkOptions, seed: int, train_size: int, epochs_float: int,
                   epochs_binary: int, quantizers: Sequence[str], scale_mode: str = "learned", l1_weight: float = 1e-2,
                   lr_float: float = 3e-3, lr_binary: float = 1e-3, log: Optional[Callable[[str], None]] = None,
                   problem: Optional[Problem] = None, data_root: Optional[str] = None):
    """Returns (results dict, {quantizer: trained network}, problem)."""
    torch.manual_seed(seed)
    problem = problem or example.make_problem(seed, train_size, data_root)
    data = problem.data
    net = example.make_network(problem, options)
    test = lambda n: example.report(evaluate(n, data.test), data.test.x)
    results = {
        "example": example.name, "metric": example.metric, "options": asdict(options), "seed": seed,
        "train_size": train_size, "epochs_float": epochs_float, "epochs_binary": epochs_binary,
        "data": data_root or "synthetic / bundled", "scale_mode": scale_mode, "l1_weight": l1_weight, "lr_float": lr_float, "lr_binary": lr_binary, "variants": {},
    }
    net.set_mode("float")
    results["variants"]["init"] = {"test": test(net)}
    started = time.time()
    stage1 = train_stage(net, data, StageConfig(epochs_float, lr_float), example.quality, log, "float")
    results["variants"]["float"] = {"test": test(net), **stage1, **storage(net, "float")}
    float_state = copy.deepcopy(net.state_dict())
    nets = {}
    for name in quantizers:
        mode, variant = QUANTIZERS[name]
        net.load_state_dict(float_state)
        net.set_mode(mode, scale_mode)
        net.init_scale_from_weights()
        factor = calibrate_gains(net, data.val, example.quality) if mode == "binary" else 1.0
        before = test(net)
        stage2 = train_stage(net, data, StageConfig(epochs_binary, lr_binary, variant=variant, l1_weight=l1_weight),
                             example.quality, log, name)
        results["variants"][name] = {"test": test(net), "before_finetune": before, "gain_calibration": factor, **stage2,
                                     **storage(net, name)}
        if mode == "binary":
            results["variants"][name]["scale"] = float(net.scale())
        nets[name] = copy.deepcopy(net)
    results["seconds"] = round(time.time() - started, 1)
    return results, nets, problem
