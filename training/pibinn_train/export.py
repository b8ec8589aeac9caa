"""Writes a binarized UnrolledNetwork as model.json v1 (spec sections 2-4).

Signs are packed as `bits` in canonical order (bit 1 = negative). Payloads above
`external_bytes` go to `<matrix>.bits.npy` (uint8) next to model.json.
"""
from __future__ import annotations

import base64
import json
import os
from typing import Optional

import numpy as np
import torch

from .network import UnrolledNetwork
from .structure import pack_sign_bits


def _number_or_list(t: torch.Tensor):
    values = t.detach().double().cpu().numpy()
    return float(values) if values.ndim == 0 else [float(v) for v in values]


def model_to_json(net: UnrolledNetwork, directory: Optional[str] = None, external_bytes: int = 2048,
                  metadata: Optional[dict] = None) -> dict:
    """The model.json object. With `directory`, large sign payloads are written there as .npy."""
    if net.mode != "binary":
        raise ValueError(f"only a binarized network can be exported (mode is {net.mode!r})")
    spec = net.spec
    matrices = {}
    with torch.no_grad():
        scale = net.scale()
        for mid, m in spec.matrices.items():
            op = net.ops[mid]
            if not m.trainable and not torch.allclose(op.to_canonical(op.latent).abs(), scale, rtol=1e-6):
                raise ValueError(f"fixed matrix {mid} is not one-bit: its entries are not all +-lambda = {float(scale)}")
            packed = pack_sign_bits(op.to_canonical(op.latent).cpu().numpy())
            if directory is not None and len(packed) > external_bytes:
                file = f"{mid}.bits.npy"
                np.save(os.path.join(directory, file), np.frombuffer(packed, dtype=np.uint8))
                signs = {"encoding": "bits", "file": file}
            else:
                signs = {"encoding": "bits", "data": base64.b64encode(packed).decode("ascii")}
            entry = {"rows": m.rows, "cols": m.cols, "structure": m.structure.to_json(), "signs": signs}
            if m.gain:
                entry["gain"] = float(net.gain(mid))
            matrices[mid] = entry
        layers = []
        for k, layer in enumerate(spec.layers):
            out = {"terms": [{"matrix": t.matrix, "source": t.source} for t in layer.terms]}
            if layer.residual is not None:
                out["residual"] = {"matrix": layer.residual}
            if layer.skip:
                out["skip"] = float(layer.skip)
            if str(k) in net.biases:
                out["bias"] = _number_or_list(net.biases[str(k)])
            out["threshold"] = {"kind": layer.threshold, "theta": _number_or_list(net.theta(k))}
            if layer.relax != 1:
                out["relax"] = float(layer.relax)
            layers.append(out)
        model = {
            "format": "pibinn-model",
            "version": 1,
            "name": spec.name,
            **({"description": spec.description} if spec.description else {}),
            "scale": float(scale),
            "state": spec.state,
            "input": {"name": spec.input_name, "size": spec.input_size},
            "output": {"name": spec.output_name, "size": spec.output_size},
            "matrices": matrices,
            "layers": layers,
        }
    if spec.readout is not None:
        model["readout"] = {"matrix": spec.readout}
    merged = {**spec.metadata, **(metadata or {})}
    if merged:
        model["metadata"] = merged
    return model


def export_model(net: UnrolledNetwork, directory: str, external_bytes: int = 2048, metadata: Optional[dict] = None) -> str:
    """Writes `directory/model.json` (+ external .npy payloads) and returns its path."""
    os.makedirs(directory, exist_ok=True)
    model = model_to_json(net, directory, external_bytes, metadata)
    path = os.path.join(directory, "model.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    return path
