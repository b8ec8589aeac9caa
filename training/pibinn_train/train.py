"""Two-stage quantization-aware training with one global scale lambda.

Stage 1 trains full-precision weights restricted to the structure (mode `float`).
Stage 2 switches the forward to a quantizer and fine-tunes the latent weights through a
straight-through estimator, with thresholds (and lambda / gains, when learned) trained too:
  lazy  latent weights move freely; only the forward is projected (BinaryConnect-style);
  l1    the same plus an l1 pull of each latent weight toward +-(lambda * gain), ramped up
        linearly over the stage, so latent weights settle on the quantization grid.
The best epoch on the validation set is kept, which also guards against a diverging stage.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional

import torch

from .network import UnrolledNetwork

STAGE2_VARIANTS = ("lazy", "l1")


@dataclass
class Split:
    y: torch.Tensor  # inputs, one per row
    x: torch.Tensor  # targets, one per row


@dataclass
class Data:
    train: Split
    val: Split
    test: Split


@dataclass
class StageConfig:
    epochs: int
    lr: float
    batch: int = 128
    variant: str = "lazy"
    l1_weight: float = 0.0


def nmse_db(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Mean over samples of ||pred - target||^2 / ||target||^2, in dB."""
    ratio = ((pred - target) ** 2).sum(1) / (target ** 2).sum(1).clamp(min=1e-30)
    return 10 * math.log10(float(ratio.mean()))


def evaluate(net: UnrolledNetwork, split: Split, batch: int = 1024) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([net(split.y[i:i + batch]) for i in range(0, split.y.shape[0], batch)])


def l1_pull(net: UnrolledNetwork) -> torch.Tensor:
    """Mean over trainable entries of |w - c sign(w)| / c, with c = lambda * gain (0 if none)."""
    total, count = torch.zeros(()), 0
    for mid in net.trainable_ids():
        op = net.ops[mid]
        c = (net.scale() * net.gain(mid)).detach()
        w = op.latent[op.valid]
        total = total + ((w - c * torch.sign(w)).abs() / c).sum()
        count += op.nnz
    return total / max(count, 1)


def train_stage(net: UnrolledNetwork, data: Data, config: StageConfig, score: Callable[[torch.Tensor, torch.Tensor], float],
                log: Optional[Callable[[str], None]] = None, label: str = "") -> Dict:
    """Trains in the network's current mode; keeps the best validation epoch. `score`: higher is better."""
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=config.lr)
    steps = max(1, config.epochs * math.ceil(data.train.y.shape[0] / config.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=steps, pct_start=0.1)
    best = (score(evaluate(net, data.val), data.val.x), copy.deepcopy(net.state_dict()))
    start = time.time()
    for epoch in range(config.epochs):
        order = torch.randperm(data.train.y.shape[0])
        pull_weight = config.l1_weight * (epoch + 1) / config.epochs if config.variant == "l1" else 0.0
        for i in range(0, len(order), config.batch):
            index = order[i:i + config.batch]
            loss = torch.nn.functional.mse_loss(net(data.train.y[index]), data.train.x[index])
            if pull_weight:
                loss = loss + pull_weight * l1_pull(net)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        value = score(evaluate(net, data.val), data.val.x)
        if value > best[0] or not math.isfinite(best[0]):
            best = (value, copy.deepcopy(net.state_dict()))
        if log:
            log(f"{label} epoch {epoch + 1}/{config.epochs}: val {value:.2f} (best {best[0]:.2f}) {time.time() - start:.0f}s")
    net.load_state_dict(best[1])
    return {"val": best[0], "seconds": round(time.time() - start, 1)}


def calibrate_gains(net: UnrolledNetwork, split: Split, score: Callable[[torch.Tensor, torch.Tensor], float]) -> float:
    """Right after binarizing, scales every learned gain of the trainable matrices (or lambda,
    without gains) by the best factor in 2^0 .. 2^-6 on `split`, and returns it. The
    closed-form gains (mean |W|) can leave a deep residual network expansive enough to
    diverge (+24 dB NMSE measured at K = 16), which stage 2 then fails to repair."""
    targets = [net.log_gain[m] for m in net.trainable_ids() if m in net.log_gain]
    if not targets and not net.scale_fixed:
        targets = [net.log_scale]
    if not targets or net.scale_mode != "learned":
        return 1.0
    start = [t.detach().clone() for t in targets]
    best = (-math.inf, 0.0)
    with torch.no_grad():
        for step in range(13):
            shift = -step * math.log(2) / 2
            for t, s in zip(targets, start):
                t.copy_(s + shift)
            value = score(evaluate(net, split), split.x)
            if value > best[0]:
                best = (value, shift)
        for t, s in zip(targets, start):
            t.copy_(s + best[1])
    return math.exp(best[1])
