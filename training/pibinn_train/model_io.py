"""Loads a model.json v1 into an UnrolledNetwork (binary mode, float64), so the PyTorch
forward of any model, exported by us or written by anyone, can be checked against the
reference evaluator. Validation is the compiler's job; this loader trusts the file's shape but
supports every structure kind, sign encoding and payload form of the spec.
"""
from __future__ import annotations

import base64
import json
import os

import numpy as np
import torch

from .network import LayerSpec, MatrixSpec, ModelSpec, TermSpec, UnrolledNetwork
from .structure import structure_from_json, unpack_sign_bits


def _payload_bytes(directory: str, obj: dict) -> bytes:
    """`data` (base64) or `file` (.npy of uint8, or raw bytes) as packed bytes."""
    if "data" in obj:
        return base64.b64decode(obj["data"])
    path = os.path.join(directory, obj["file"])
    if path.endswith(".npy"):
        return np.load(path).astype(np.uint8).tobytes()
    with open(path, "rb") as f:
        return f.read()


def _payload_numbers(directory: str, obj: dict) -> np.ndarray:
    """`data` (array) or `file` (.npy, or raw float32) as float64 numbers."""
    if "data" in obj:
        return np.asarray(obj["data"], dtype=np.float64)
    path = os.path.join(directory, obj["file"])
    if path.endswith(".npy"):
        return np.load(path).astype(np.float64).ravel()
    return np.fromfile(path, dtype="<f4").astype(np.float64)


def _value(v):
    return np.asarray(v, dtype=np.float64) if isinstance(v, list) else float(v)


def load_model(path: str) -> UnrolledNetwork:
    directory = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        model = json.load(f)
    # Validation is the compiler's job; an unreferenced matrix (an error there) cannot change
    # the output, so it is simply not loaded.
    referenced = {t["matrix"] for layer in model["layers"] for t in layer["terms"]}
    referenced |= {layer["residual"]["matrix"] for layer in model["layers"] if "residual" in layer}
    referenced |= {model["readout"]["matrix"]} if "readout" in model else set()
    matrices = {}
    for mid, m in model["matrices"].items():
        if mid not in referenced:
            continue
        structure = structure_from_json(m["structure"], lambda obj: _payload_bytes(directory, obj))
        matrices[mid] = MatrixSpec(m["rows"], m["cols"], structure, trainable=False, gain="gain" in m)
    layers = []
    for layer in model["layers"]:
        layers.append(LayerSpec(
            terms=[TermSpec(t["matrix"], t["source"]) for t in layer["terms"]],
            residual=layer.get("residual", {}).get("matrix"),
            skip=float(layer.get("skip", 0.0)),
            threshold=layer["threshold"]["kind"],
            theta=_value(layer["threshold"].get("theta", 0.0)),
            relax=float(layer.get("relax", 1.0)),
            bias=_value(layer["bias"]) if "bias" in layer else None,
            learn_theta=False,
        ))
    spec = ModelSpec(
        name=model["name"], state=model["state"], input_size=model["input"]["size"], output_size=model["output"]["size"],
        matrices=matrices, layers=layers, readout=model.get("readout", {}).get("matrix"),
        input_name=model["input"]["name"], output_name=model["output"]["name"],
        description=model.get("description", ""), metadata=model.get("metadata", {}),
    )
    net = UnrolledNetwork(spec).double()
    with torch.no_grad():
        for mid in matrices:
            m = model["matrices"][mid]
            op = net.ops[mid]
            op.latent.copy_(op.from_canonical(torch.from_numpy(_canonical_signs(directory, m, op) * model["scale"])))
            if "gain" in m:
                net.log_gain[mid].fill_(np.log(m["gain"]))
        net.fix_scale(float(model["scale"]))
        # The layer values were loaded as float32 by the constructor; reload them in float64.
        for k, layer in enumerate(model["layers"]):
            net.thetas[k] = torch.nn.Parameter(torch.as_tensor(layers[k].theta, dtype=torch.float64), requires_grad=False)
            if "bias" in layer:
                net.biases[str(k)] = torch.nn.Parameter(torch.as_tensor(layers[k].bias, dtype=torch.float64), requires_grad=False)
    for p in net.parameters():
        p.requires_grad_(False)
    net.set_mode("binary", "learned")
    return net


def _canonical_signs(directory: str, m: dict, op) -> np.ndarray:
    """+-1 per existing entry in canonical order, from any sign encoding."""
    signs = m["signs"]
    encoding = signs["encoding"]
    if encoding == "bits":
        return unpack_sign_bits(_payload_bytes(directory, signs), op.nnz)
    values = _payload_numbers(directory, signs)
    if encoding == "dense-values":
        coordinates = op.canonical_coordinates()
        values = values.reshape(m["rows"], m["cols"])[coordinates[:, 0], coordinates[:, 1]]
    return np.where(values < 0, -1.0, 1.0)
