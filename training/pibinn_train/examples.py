"""The trained examples: each builds its data (train / validation / test) and its unrolled
network for K layers in one of the supported forms:

  residual  x_{k+1} = eta(x_k + g_k W_k (y - A x_k)): A is the problem's one-bit physics
            operator (fixed, exact), W_k one-bit with a per-layer gain g_k; lambda is pinned to
            A's magnitude so A stays exact (ALISTA-style, initialised at ISTA: W_k = A^T / L);
  lista     x_{k+1} = eta(W_k x_k + B_k y) with untied one-bit W_k, B_k (initialised at ISTA).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Dict, Optional

import numpy as np
import torch

from . import data as datasets
from .network import LayerSpec, MatrixSpec, ModelSpec, TermSpec, UnrolledNetwork
from .operators import make_operator
from .structure import Banded, BlockDiagonal, Structure
from .train import Data, Split, nmse_db

FORMS = ("residual", "lista")


@dataclass
class Physics:
    """A one-bit operator A = magnitude * signs(i, j), known in closed form."""

    rows: int
    cols: int
    structure: Structure
    magnitude: float
    signs: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (row, col) index tensors -> +-1 or 0

    def entries(self, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
        return self.magnitude * self.signs(rows, cols)

    def operator(self):
        """The structured operator holding A's float entries, and its weights."""
        op = make_operator(self.rows, self.cols, self.structure).double()
        _fill(op, self.entries)
        return op, op.latent.detach() * op.valid

    @cached_property
    def lipschitz(self) -> float:
        """||A||_2^2 by power iteration: 1 / lipschitz is ISTA's step."""
        op, weights = self.operator()
        v = torch.randn(1, self.cols, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        norm = torch.ones(())
        for _ in range(100):
            v = _transpose_apply(op, weights, op.matvec(weights, v))
            norm = v.norm()
            v = v / norm
        return float(norm)


@dataclass
class Problem:
    data: Data
    physics: Physics


@dataclass
class NetworkOptions:
    layers: int = 8
    form: str = "residual"
    threshold: str = "soft"
    relax: float = 1.0
    gains: bool = True
    learn_weights: bool = True  # residual form only; False: W_k = A^T signs, only gains learned (ALISTA)


def _fill(op, fn) -> None:
    with torch.no_grad():
        op.latent.copy_(fn(op.row_of, op.col_of).to(op.latent.dtype) * op.valid)


def _transpose_apply(op, weights, u: torch.Tensor) -> torch.Tensor:
    """A^T u through autograd: the gradient of <u, A v> with respect to v."""
    v = torch.zeros(u.shape[0], op.cols, dtype=u.dtype, requires_grad=True)
    (op.matvec(weights, v) * u).sum().backward()
    return v.grad


def build_network(name: str, state: int, physics: Physics, w_structure: Structure, options: NetworkOptions,
                  theta: float, per_entry_theta: bool, readout: bool = False, subtract: bool = False,
                  lista_w_structure: Optional[Structure] = None) -> UnrolledNetwork:
    """The residual or LISTA network of `options.form`, initialised at ISTA with step 1/L.
    `readout`: output A x_K (synthesis). `subtract`: x_K estimates an artifact's coefficients
    and a final layer outputs the cleaned signal y - A x_K through a fixed identity matrix."""
    K, m = options.layers, physics.rows
    step = 1.0 / physics.lipschitz
    theta0 = np.full(state, theta, dtype=np.float32) if per_entry_theta else theta
    layer = dict(threshold=options.threshold, theta=theta0, relax=options.relax)
    matrices: Dict[str, MatrixSpec] = {}
    layers = []
    if options.form == "residual":
        matrices["A"] = MatrixSpec(m, state, physics.structure, trainable=False)
        for k in range(K):
            matrices[f"W{k}"] = MatrixSpec(state, m, w_structure, trainable=options.learn_weights,
                                           gain=options.gains or not options.learn_weights)
            layers.append(LayerSpec([TermSpec(f"W{k}", "residual")], residual="A", skip=1.0, **layer))
    elif options.form == "lista":
        if not options.learn_weights:
            raise ValueError("fixed (ALISTA) weights need the residual form")
        for k in range(K):
            matrices[f"B{k}"] = MatrixSpec(state, m, w_structure, gain=options.gains)
            terms = [TermSpec(f"B{k}", "input")]
            if k > 0:
                matrices[f"W{k}"] = MatrixSpec(state, state, lista_w_structure, gain=options.gains)
                terms.insert(0, TermSpec(f"W{k}", "state"))
            layers.append(LayerSpec(terms, **layer))
    else:
        raise ValueError(f"unknown form {options.form!r} (expected one of {FORMS})")
    if readout or subtract:
        # The same one-bit A as the residual operator (stored once).
        matrices["A"] = MatrixSpec(m, state, physics.structure, trainable=False)
    if subtract:
        # x <- I (y - A x) with the identity one-bit too: all signs +, gain 1 / lambda.
        matrices["I"] = MatrixSpec(state, m, Banded(0, 0), trainable=False, gain=True)
        layers.append(LayerSpec([TermSpec("I", "residual")], residual="A", threshold="none", learn_theta=False))
    spec = ModelSpec(name=name, state=state, input_size=m, output_size=m if readout else state,
                     matrices=matrices, layers=layers, readout="A" if readout else None)
    net = UnrolledNetwork(spec)
    if "A" in matrices:
        _fill(net.ops["A"], physics.entries)
        net.fix_scale(physics.magnitude)
    if subtract:
        _fill(net.ops["I"], lambda r, c: torch.full(r.shape, physics.magnitude))
        with torch.no_grad():
            net.log_gain["I"].fill_(-math.log(physics.magnitude))
        net.log_gain["I"].requires_grad_(False)
    for k in range(K):
        if options.form == "residual" and not options.learn_weights:
            _fill(net.ops[f"W{k}"], lambda r, c: physics.entries(c, r))  # exactly +-lambda ...
            with torch.no_grad():
                net.log_gain[f"W{k}"].fill_(math.log(step))  # ... and the step in the gain
        elif options.form == "residual":
            _fill(net.ops[f"W{k}"], lambda r, c: step * physics.entries(c, r))
        else:
            _fill(net.ops[f"B{k}"], lambda r, c: step * physics.entries(c, r))
            if k > 0:
                _fill(net.ops[f"W{k}"], lambda r, c: (r == c).double() - step * _gram(physics, r, c))
    return net


def _gram(physics: Physics, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
    """(A^T A)[i, j] for the given index tensors (a sum over all rows of A: setup cost only)."""
    flat_r, flat_c = rows.reshape(-1), cols.reshape(-1)
    out = torch.zeros(flat_r.shape, dtype=torch.float64)
    for i in range(physics.rows):
        row = torch.full_like(flat_r, i)
        out += physics.entries(row, flat_r).double() * physics.entries(row, flat_c).double()
    return out.reshape(rows.shape)


# -- the four examples ---------------------------------------------------------------------------

def _synthetic_only(name: str, data_root: Optional[str]) -> None:
    if data_root is not None:
        raise ValueError(f"{name} trains on synthetic data only; it takes no data set folder")


@dataclass
class Example:
    name: str
    title: str
    metric: str  # "nmse" (lower is better, dB) or "psnr" (higher is better, dB)
    make_problem: Callable[..., Problem]  # (seed, train size, data_root=None) -> Problem
    make_network: Callable[[Problem, NetworkOptions], UnrolledNetwork]
    train_size: int
    epochs_float: int
    epochs_binary: int
    layers: int
    description: str

    def quality(self, pred: torch.Tensor, target: torch.Tensor) -> float:
        """Higher is better: -NMSE or PSNR, in dB."""
        if self.metric == "psnr":
            return 10 * math.log10(1.0 / float(((pred - target) ** 2).mean()))
        return -nmse_db(pred, target)

    def report(self, pred: torch.Tensor, target: torch.Tensor) -> float:
        """The metric as reported: NMSE (dB, lower is better) or PSNR (dB, higher is better)."""
        value = self.quality(pred, target)
        return value if self.metric == "psnr" else -value


def _splits(make: Callable[[np.random.Generator, int], tuple], seed: int, sizes) -> Data:
    rng = np.random.default_rng(seed + 1)
    parts = []
    for size in sizes:
        y, x = make(rng, size)
        parts.append(Split(torch.as_tensor(y, dtype=torch.float32), torch.as_tensor(x, dtype=torch.float32)))
    return Data(*parts)


CS_DESCRIPTION = (
    "Block-sparse compressed sensing: 16 independent Rademacher sensors, each measuring a "
    "32-entry block with 16 measurements (n = 512, m = 256), ~3 nonzeros per block, SNR 30 dB."
)
CS_N, CS_M, CS_BLOCKS = 512, 256, 16


def _cs_problem(seed: int, train_size: int, data_root: Optional[str] = None) -> Problem:
    _synthetic_only("cs-block-sparse", data_root)
    nb, mb = CS_N // CS_BLOCKS, CS_M // CS_BLOCKS
    signs = torch.as_tensor(datasets.rademacher_block_diagonal(np.random.default_rng(seed), CS_BLOCKS, mb, nb))
    physics = Physics(CS_M, CS_N, BlockDiagonal(mb, nb), 1 / math.sqrt(mb),
                      lambda r, c: torch.where(r // mb == c // nb, signs[r // mb, r % mb, c % nb], torch.zeros(())))
    a = (signs / math.sqrt(mb)).numpy()

    def make(rng, size):
        x = datasets.block_sparse_signals(rng, size, CS_N, nb, 3)
        clean = np.einsum("kij,bkj->bki", a, x.reshape(size, CS_BLOCKS, nb)).reshape(size, CS_M)
        return datasets.add_noise_snr(rng, clean, 30.0), x

    return Problem(_splits(make, seed, (train_size, 1000, 1000)), physics)


def _cs_network(problem: Problem, options: NetworkOptions) -> UnrolledNetwork:
    nb, mb = CS_N // CS_BLOCKS, CS_M // CS_BLOCKS
    return build_network("cs_block_sparse", CS_N, problem.physics, BlockDiagonal(nb, mb), options, theta=0.05,
                         per_entry_theta=False, lista_w_structure=BlockDiagonal(nb, nb))


DECONV_DESCRIPTION = (
    "Sparse-spike deconvolution under motion blur: y = box9 * x + noise, where the 9-sample box "
    "kernel (uniform motion blur, or a detector integrating over 9 samples) gives a banded Toeplitz "
    "operator whose entries are all +1 times one magnitude, i.e. exactly one-bit. The box kernel "
    "has spectral zeros, so ISTA converges slowly: the regime where learned unrolling pays off. "
    "n = 256, 8 % spike density, SNR 30 dB. W_k gets a wider band than A^T to learn a preconditioner."
)
BOX, DECONV_N, W_HALF_BAND = 9, 256, 8


def _deconv_problem(seed: int, train_size: int, data_root: Optional[str] = None) -> Problem:
    _synthetic_only("deconv-motion-blur", data_root)
    half = BOX // 2
    physics = Physics(DECONV_N, DECONV_N, Banded(half, half), 1 / math.sqrt(BOX),
                      lambda r, c: ((c - r).abs() <= half).double())
    op, weights = physics.operator()

    def make(rng, size):
        x = datasets.spike_trains(rng, size, DECONV_N, 0.08)
        with torch.no_grad():
            clean = op.matvec(weights, torch.as_tensor(x)).numpy()
        return datasets.add_noise_snr(rng, clean, 30.0), x

    return Problem(_splits(make, seed, (train_size, 1000, 1000)), physics)


def _deconv_network(problem: Problem, options: NetworkOptions) -> UnrolledNetwork:
    band = Banded(W_HALF_BAND, W_HALF_BAND) if options.learn_weights else problem.physics.structure
    return build_network("deconv_motion_blur", DECONV_N, problem.physics, band, options, theta=0.05,
                         per_entry_theta=False, lista_w_structure=Banded(2 * W_HALF_BAND, 2 * W_HALF_BAND))


def hadamard_sign(r: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """Sylvester-Hadamard entry (-1)^popcount(r & c)."""
    bits = r & c
    parity = torch.zeros_like(bits)
    while bool((bits > 0).any()):
        parity ^= bits & 1
        bits = bits >> 1
    return 1.0 - 2.0 * parity.double()


def hadamard_blocks(size: int, block: int) -> Physics:
    """Block-diagonal orthonormal Walsh-Hadamard synthesis operator: exactly one-bit, L = 1."""
    return Physics(size, size, BlockDiagonal(block, block), 1 / math.sqrt(block),
                   lambda r, c: torch.where(r // block == c // block, hadamard_sign(r % block, c % block), torch.zeros(())))


IMAGE_DESCRIPTION = (
    "Image denoising (sigma = 25 / 255) of 16 x 16 tiles = 2 x 2 patches of 8 x 8, on python3-skimage's "
    "photographs (train and test on disjoint images). Synthesis form: state = the tile's Walsh-Hadamard "
    "coefficients, per patch; output = A x_K with A = block-diagonal Hadamard (the same one-bit matrix "
    "as the residual operator); per-coefficient learned thresholds."
)
PATCH, GRID, SIGMA = 8, 2, 25 / 255
IMAGE_TRAIN = ("astronaut", "chelsea", "rocket", "brick", "grass", "gravel", "page", "text", "moon", "coins", "immunohistochemistry")
IMAGE_TEST = ("camera", "coffee")


def _image_problem(seed: int, train_size: int, data_root: Optional[str] = None) -> Problem:
    """skimage's photographs, or with `data_root` a BSD500 folder (train and test splits)."""
    if data_root is None:
        train_images, test_images = datasets.skimage_photographs(IMAGE_TRAIN), datasets.skimage_photographs(IMAGE_TEST)
    else:
        train_images, test_images = datasets.bsd500_images(data_root, "train"), datasets.bsd500_images(data_root, "test")
    rng = np.random.default_rng(seed + 1)

    def split(images, size):
        clean = datasets.patch_tiles(rng, images, size, PATCH, GRID)
        noisy = clean + rng.standard_normal(clean.shape).astype(np.float32) * SIGMA
        return Split(torch.as_tensor(noisy), torch.as_tensor(clean))

    data = Data(split(train_images, train_size), split(train_images, 1000), split(test_images, 1000))
    return Problem(data, hadamard_blocks(PATCH * PATCH * GRID * GRID, PATCH * PATCH))


def _image_network(problem: Problem, options: NetworkOptions) -> UnrolledNetwork:
    size = problem.physics.rows
    return build_network("image_patch_denoiser", size, problem.physics, BlockDiagonal(PATCH * PATCH, PATCH * PATCH), options,
                         theta=SIGMA, per_entry_theta=True, readout=True, lista_w_structure=BlockDiagonal(PATCH * PATCH, PATCH * PATCH))


EEG_DESCRIPTION = (
    "EEG artifact removal, EEGdenoiseNet protocol on synthetic signals: 512-sample (2 s) epochs of "
    "EEG mixed with EOG- or EMG-like artifacts at SNR uniform in [-7, 2] dB, normalised by the "
    "noisy epoch's std. Artifact-estimation form: the state holds the artifact's coefficients in a "
    "one-bit Walsh-Hadamard basis over 8 blocks of 64 samples (large, so thresholding keeps them), "
    "with per-coefficient thresholds; a final layer outputs y - A x_K."
)
EEG_BLOCK = 64


def _eeg_problem(seed: int, train_size: int, data_root: Optional[str] = None) -> Problem:
    """Synthetic epochs, or with `data_root` EEGdenoiseNet's epoch files: train / validation /
    test draw from disjoint 80 / 10 / 10 % ranges of the EEG, EOG and EMG epochs."""
    real = None if data_root is None else datasets.eegdenoisenet_epochs(data_root)
    parts = iter(range(3))  # _splits builds train, validation and test, in that order

    def make(rng, size):
        half = size // 2
        if real is None:
            eeg = datasets.synthetic_eeg(rng, size)
            eog, emg = datasets.synthetic_eog(rng, half), datasets.synthetic_emg(rng, size - half)
        else:
            part = next(parts)
            eeg, eog, emg = (source[rng.choice(datasets.partition(len(source), part), count)]
                             for source, count in zip(real, (size, half, size - half)))
        noisy, clean, _ = datasets.mix_at_snr(rng, eeg, np.concatenate([eog, emg]))
        order = rng.permutation(size)
        return noisy[order], clean[order]

    return Problem(_splits(make, seed, (train_size, 1000, 1000)), hadamard_blocks(datasets.EEG_SAMPLES, EEG_BLOCK))


def _eeg_network(problem: Problem, options: NetworkOptions) -> UnrolledNetwork:
    return build_network("eeg_artifact_removal", datasets.EEG_SAMPLES, problem.physics, BlockDiagonal(EEG_BLOCK, EEG_BLOCK), options,
                         theta=0.5, per_entry_theta=True, subtract=True, lista_w_structure=BlockDiagonal(EEG_BLOCK, EEG_BLOCK))


EXAMPLES: Dict[str, Example] = {
    e.name: e for e in (
        Example("cs-block-sparse", "Block-sparse compressed sensing (16 Rademacher sensors, n=512, m=256)", "nmse",
                _cs_problem, _cs_network, train_size=20000, epochs_float=20, epochs_binary=20, layers=16,
                description=CS_DESCRIPTION),
        Example("deconv-motion-blur", "1-D sparse deconvolution, 9-sample box (motion) blur (banded, n=256)", "nmse",
                _deconv_problem, _deconv_network, train_size=20000, epochs_float=20, epochs_binary=20, layers=16,
                description=DECONV_DESCRIPTION),
        Example("image-patches", "Image denoising, 8x8 patches, sigma=25 (skimage photographs)", "psnr",
                _image_problem, _image_network, train_size=20000, epochs_float=20, epochs_binary=20, layers=4,
                description=IMAGE_DESCRIPTION),
        Example("eeg-artifacts", "EEG artifact removal, EEGdenoiseNet protocol (synthetic EEG/EOG/EMG)", "nmse",
                _eeg_problem, _eeg_network, train_size=20000, epochs_float=20, epochs_binary=20, layers=4,
                description=EEG_DESCRIPTION),
    )
}
