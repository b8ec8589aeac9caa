"""Unrolled networks of every layer form model-format-v1 can express (spec section 4):

    x_{k+1} = (1 - relax) x_k + relax * eta_theta(skip x_k + sum_t M_t v_t + bias),
    v_t in {x_k, y, y - A x_k},   output = D x_K (optional readout).

The network is described by a ModelSpec that mirrors model.json, so the same module trains,
exports, and evaluates loaded models. `mode` selects the weights the forward uses:
  float        latent weights restricted to the structure (stage 1),
  binary       lambda * gain * sign(latent) through a straight-through estimator (stage 2),
  ternary / channelwise  the baselines of quantize.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

import numpy as np
import torch
from torch import nn

from . import quantize
from .operators import StructuredOperator, make_operator
from .structure import Structure

MODES = ("float", "binary", "ternary", "channelwise")
THRESHOLDS = ("soft", "hard", "soft-nonneg", "none")
SOURCES = ("state", "input", "residual")


@dataclass
class MatrixSpec:
    rows: int
    cols: int
    structure: Structure
    trainable: bool = True  # False: fixed entries (+-lambda, e.g. a one-bit physics operator)
    gain: bool = False  # a per-matrix gain (exported as `gain`; costs 32 bits of metadata)


@dataclass
class TermSpec:
    matrix: str
    source: str


@dataclass
class LayerSpec:
    terms: List[TermSpec]
    residual: Optional[str] = None
    skip: float = 0.0
    threshold: str = "soft"
    theta: Union[float, np.ndarray] = 0.0  # initial value; an array makes it per-entry
    relax: float = 1.0
    bias: Optional[Union[float, np.ndarray]] = None  # initial value; None: no bias
    learn_theta: bool = True


@dataclass
class ModelSpec:
    name: str
    state: int
    input_size: int
    output_size: int
    matrices: Dict[str, MatrixSpec]
    layers: List[LayerSpec]
    readout: Optional[str] = None
    input_name: str = "y"
    output_name: str = "x"
    description: str = ""
    metadata: dict = field(default_factory=dict)

    def validate(self) -> None:
        used = set()
        for k, layer in enumerate(self.layers):
            if layer.threshold not in THRESHOLDS:
                raise ValueError(f"layer {k}: unknown threshold {layer.threshold!r}")
            if not 0 < layer.relax <= 1:
                raise ValueError(f"layer {k}: relax must be in (0, 1]")
            for term in layer.terms:
                m = self.matrices[term.matrix]
                width = {"state": self.state, "input": self.input_size, "residual": self.input_size}[term.source]
                if (m.rows, m.cols) != (self.state, width):
                    raise ValueError(f"layer {k}: {term.matrix} is {m.rows}x{m.cols}, expected {self.state}x{width}")
                used.add(term.matrix)
            if any(t.source == "residual" for t in layer.terms) != (layer.residual is not None):
                raise ValueError(f"layer {k}: a residual matrix is required iff a term uses the residual")
            if layer.residual is not None:
                a = self.matrices[layer.residual]
                if (a.rows, a.cols) != (self.input_size, self.state):
                    raise ValueError(f"layer {k}: residual {layer.residual} must be {self.input_size}x{self.state}")
                used.add(layer.residual)
        if self.readout is not None:
            d = self.matrices[self.readout]
            if (d.rows, d.cols) != (self.output_size, self.state):
                raise ValueError(f"readout {self.readout} must be {self.output_size}x{self.state}")
            used.add(self.readout)
        elif self.output_size != self.state:
            raise ValueError("without a readout the output size must equal the state size")
        unused = set(self.matrices) - used
        if unused:
            raise ValueError(f"matrices never referenced: {sorted(unused)}")


def apply_threshold(kind: str, z: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    if kind == "soft":
        return torch.sign(z) * torch.relu(z.abs() - theta)
    if kind == "hard":
        # The spec keeps z where |z| > theta. The straight-through surrogate lets theta learn:
        # forward is the exact hard threshold, backward that of the soft one.
        soft = torch.sign(z) * torch.relu(z.abs() - theta)
        return soft + (torch.where(z.abs() > theta, z, torch.zeros_like(z)) - soft).detach()
    if kind == "soft-nonneg":
        return torch.relu(z - theta)
    return z


class UnrolledNetwork(nn.Module):
    def __init__(self, spec: ModelSpec):
        super().__init__()
        spec.validate()
        self.spec = spec
        self.ops = nn.ModuleDict({mid: make_operator(m.rows, m.cols, m.structure) for mid, m in spec.matrices.items()})
        for mid, m in spec.matrices.items():
            self.ops[mid].latent.requires_grad_(m.trainable)
        self.log_gain = nn.ParameterDict({mid: nn.Parameter(torch.zeros(())) for mid, m in spec.matrices.items() if m.gain})
        self.log_scale = nn.Parameter(torch.zeros(()))
        self.scale_fixed = False
        self.thetas = nn.ParameterList()
        for layer in spec.layers:
            theta = torch.as_tensor(np.asarray(layer.theta, dtype=np.float32)).clone()
            self.thetas.append(nn.Parameter(theta, requires_grad=layer.learn_theta))
        self.biases = nn.ParameterDict(
            {str(k): nn.Parameter(torch.as_tensor(np.asarray(layer.bias, dtype=np.float32)).clone())
             for k, layer in enumerate(spec.layers) if layer.bias is not None})
        self.mode = "float"
        self.scale_mode = "learned"

    # -- scale and gains ------------------------------------------------------------------
    def trainable_ids(self) -> List[str]:
        return [mid for mid, m in self.spec.matrices.items() if m.trainable]

    def fix_scale(self, value: float) -> None:
        """Pins lambda (e.g. to the magnitude of a one-bit physics operator, so it stays exact)."""
        with torch.no_grad():
            self.log_scale.fill_(math.log(value))
        self.log_scale.requires_grad_(False)
        self.scale_fixed = True

    def closed_form_scale(self) -> torch.Tensor:
        """lambda = mean |W| over every existing entry of the trainable matrices."""
        if self.scale_fixed or not self.trainable_ids():
            return self.log_scale.detach().exp()
        total = sum(self.ops[m].latent.detach().abs()[self.ops[m].valid].sum() for m in self.trainable_ids())
        count = sum(self.ops[m].nnz for m in self.trainable_ids())
        return total / count

    def scale(self) -> torch.Tensor:
        return self.closed_form_scale() if self.scale_mode == "closed" else self.log_scale.exp()

    def gain(self, mid: str) -> torch.Tensor:
        if mid not in self.log_gain:
            return torch.ones(())
        op = self.ops[mid]
        if self.scale_mode == "closed" and self.spec.matrices[mid].trainable:
            return quantize.mean_abs(op.latent, op.valid) / self.closed_form_scale()
        return self.log_gain[mid].exp()

    def init_scale_from_weights(self) -> None:
        """Stage-2 start: set the learnable lambda and gains to their closed-form values."""
        with torch.no_grad():
            scale = self.closed_form_scale()
            if not self.scale_fixed:
                self.log_scale.fill_(float(torch.log(scale)))
            for mid in self.log_gain:
                op = self.ops[mid]
                if self.spec.matrices[mid].trainable:
                    self.log_gain[mid].fill_(float(torch.log(quantize.mean_abs(op.latent, op.valid) / scale)))

    # -- weights and forward --------------------------------------------------------------
    def weights(self, mid: str) -> torch.Tensor:
        op: StructuredOperator = self.ops[mid]
        w, valid = op.latent, op.valid
        if not self.spec.matrices[mid].trainable:
            # Fixed entries are exactly +-lambda already: the same in every mode.
            return w * valid * self.gain(mid)
        if self.mode == "binary":
            return self.scale() * self.gain(mid) * quantize.sign_ste(w) * valid
        if self.mode == "ternary":
            return quantize.ternary(w, valid)
        if self.mode == "channelwise":
            return quantize.channelwise(w, valid, op.row_of, op.rows)
        return w * valid

    def theta(self, k: int) -> torch.Tensor:
        return self.thetas[k].abs()

    def forward(self, y: torch.Tensor, trace: bool = False):
        spec = self.spec
        used = {t.matrix for layer in spec.layers for t in layer.terms}
        used |= {layer.residual for layer in spec.layers if layer.residual}
        weights = {mid: self.weights(mid) for mid in used}  # once per forward: tied weights
        x = y.new_zeros(y.shape[0], spec.state)
        states = []
        for k, layer in enumerate(spec.layers):
            z = layer.skip * x if layer.skip else torch.zeros_like(x)
            residual = None
            for term in layer.terms:
                if term.source == "state":
                    v = x
                elif term.source == "input":
                    v = y
                else:
                    if residual is None:
                        residual = y - self.ops[layer.residual].matvec(weights[layer.residual], x)
                    v = residual
                z = z + self.ops[term.matrix].matvec(weights[term.matrix], v)
            if str(k) in self.biases:
                z = z + self.biases[str(k)]
            eta = apply_threshold(layer.threshold, z, self.theta(k))
            x = eta if layer.relax == 1 else (1 - layer.relax) * x + layer.relax * eta
            states.append(x)
        out = self.read_out(x)
        return (out, [self.read_out(s) for s in states]) if trace else out

    def read_out(self, x: torch.Tensor) -> torch.Tensor:
        if self.spec.readout is None:
            return x
        return self.ops[self.spec.readout].matvec(self.weights(self.spec.readout), x)

    def set_mode(self, mode: str, scale_mode: Optional[str] = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        if scale_mode is not None:
            if scale_mode not in ("learned", "closed"):
                raise ValueError(f"unknown scale mode {scale_mode!r}")
            self.scale_mode = scale_mode
