"""Data for the examples: synthetic generators, and loaders for the published formats of the
real data sets (BSD500 image folders, EEGdenoiseNet epoch arrays) that cannot be downloaded
here. Everything returns float32 NumPy arrays, one sample per row.
"""
from __future__ import annotations

import os
from typing import List, Sequence

import numpy as np


def rademacher_block_diagonal(rng: np.random.Generator, blocks: int, rows: int, cols: int) -> np.ndarray:
    """(blocks, rows, cols) of +-1: independent sensors, each a Rademacher sensing matrix."""
    return rng.choice([-1.0, 1.0], size=(blocks, rows, cols))


def block_sparse_signals(rng: np.random.Generator, count: int, n: int, block: int, per_block: int) -> np.ndarray:
    """Each `block`-entry block holds `per_block` Gaussian nonzeros at random positions."""
    x = np.zeros((count, n // block, block))
    for b in range(n // block):
        positions = np.argsort(rng.random((count, block)), axis=1)[:, :per_block]
        np.put_along_axis(x[:, b, :], positions, rng.standard_normal((count, per_block)), axis=1)
    return x.reshape(count, n)


def add_noise_snr(rng: np.random.Generator, clean: np.ndarray, snr_db: float) -> np.ndarray:
    power = (clean ** 2).mean(axis=1, keepdims=True)
    return clean + rng.standard_normal(clean.shape) * np.sqrt(power / 10 ** (snr_db / 10))


def spike_trains(rng: np.random.Generator, count: int, n: int, density: float) -> np.ndarray:
    """Sparse reflectivity: Bernoulli(density) positions, Gaussian amplitudes."""
    return (rng.random((count, n)) < density) * rng.standard_normal((count, n))


# -- images ----------------------------------------------------------------------------------

SKIMAGE_TRAIN = ("astronaut", "coffee", "chelsea", "rocket", "brick", "grass", "gravel", "page", "text", "moon", "coins", "horse")
SKIMAGE_TEST = ("camera", "immunohistochemistry", "hubble_deep_field")


def skimage_photographs(names: Sequence[str]) -> List[np.ndarray]:
    """Grayscale float images in [0, 1] from python3-skimage's bundled test photographs."""
    from skimage import color, data, util

    images = []
    for name in names:
        image = getattr(data, name)()
        if image.ndim == 3:
            image = color.rgb2gray(image[..., :3])
        images.append(util.img_as_float(image).astype(np.float32))
    return images


def bsd500_images(root: str, split: str) -> List[np.ndarray]:
    """BSD500's layout: `<root>/images/<split>/*.jpg` (split: train, val or test), as
    grayscale float images in [0, 1]."""
    from skimage import color, io, util

    folder = os.path.join(root, "images", split)
    names = sorted(f for f in os.listdir(folder) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    if not names:
        raise FileNotFoundError(f"no images in {folder} (expected BSD500's images/{split}/*.jpg layout)")
    images = []
    for name in names:
        image = io.imread(os.path.join(folder, name))
        if image.ndim == 3:
            image = color.rgb2gray(image[..., :3])
        images.append(util.img_as_float(image).astype(np.float32))
    return images


def patch_tiles(rng: np.random.Generator, images: Sequence[np.ndarray], count: int, patch: int, grid: int) -> np.ndarray:
    """Random crops of grid x grid patches of patch x patch pixels, each patch's pixels
    contiguous (row-major), so the per-patch operator is block-diagonal."""
    side = patch * grid
    tiles = np.empty((count, grid * grid * patch * patch), dtype=np.float32)
    for t in range(count):
        image = images[rng.integers(len(images))]
        r, c = rng.integers(image.shape[0] - side + 1), rng.integers(image.shape[1] - side + 1)
        crop = image[r:r + side, c:c + side].reshape(grid, patch, grid, patch)
        tiles[t] = crop.transpose(0, 2, 1, 3).reshape(-1)
    return tiles


# -- EEG ---------------------------------------------------------------------------------------

EEG_RATE = 256  # Hz: EEGdenoiseNet's 512-sample epochs span 2 s
EEG_SAMPLES = 512


def _band_noise(rng: np.random.Generator, count: int, low: float, high: float, slope: float = 0.0) -> np.ndarray:
    """Random-phase signals with energy between `low` and `high` Hz (power ~ f^-slope)."""
    freqs = np.fft.rfftfreq(EEG_SAMPLES, 1 / EEG_RATE)
    band = (freqs >= low) & (freqs <= high)
    amplitude = np.where(band, np.maximum(freqs, 0.5) ** (-slope / 2), 0.0)
    spectrum = amplitude * (rng.standard_normal((count, freqs.size)) + 1j * rng.standard_normal((count, freqs.size)))
    return np.fft.irfft(spectrum, n=EEG_SAMPLES)


def synthetic_eeg(rng: np.random.Generator, count: int) -> np.ndarray:
    """1/f background (1-45 Hz) plus a random-strength alpha (8-12 Hz) rhythm."""
    background = _band_noise(rng, count, 1.0, 45.0, slope=1.0)
    alpha = _band_noise(rng, count, 8.0, 12.0)
    eeg = background / background.std(1, keepdims=True) + rng.uniform(0, 1.5, (count, 1)) * alpha / alpha.std(1, keepdims=True)
    return eeg


def synthetic_eog(rng: np.random.Generator, count: int) -> np.ndarray:
    """Blinks (0.2-0.4 s Gaussian bumps of random sign) over a slow drift below 1 Hz."""
    t = np.arange(EEG_SAMPLES) / EEG_RATE
    eog = _band_noise(rng, count, 0.1, 1.0)
    eog /= eog.std(1, keepdims=True)
    for i in range(count):
        for _ in range(rng.integers(1, 4)):
            centre, width = rng.uniform(0, 2), rng.uniform(0.05, 0.1)
            eog[i] += rng.choice([-1, 1]) * rng.uniform(2, 5) * np.exp(-0.5 * ((t - centre) / width) ** 2)
    return eog


def synthetic_emg(rng: np.random.Generator, count: int) -> np.ndarray:
    """Broadband 20-120 Hz muscle activity with a slowly varying amplitude envelope."""
    burst = _band_noise(rng, count, 20.0, 120.0)
    envelope = 1 + 0.8 * np.abs(_band_noise(rng, count, 0.1, 2.0))
    emg = burst * envelope
    return emg


def mix_at_snr(rng: np.random.Generator, eeg: np.ndarray, artifact: np.ndarray, low_db: float = -7.0, high_db: float = 2.0):
    """EEGdenoiseNet's protocol: y = eeg + k * artifact with SNR = 10 log10(RMS(eeg)^2 /
    RMS(k artifact)^2) uniform in [low, high] dB; then both are divided by std(y), the
    normalisation a model sees at inference. Returns (noisy, clean, snr_db)."""
    snr = rng.uniform(low_db, high_db, size=(eeg.shape[0], 1))
    rms = lambda s: np.sqrt((s ** 2).mean(axis=1, keepdims=True))
    k = rms(eeg) / (rms(artifact) * 10 ** (snr / 20))
    noisy = eeg + k * artifact
    scale = noisy.std(axis=1, keepdims=True)
    return (noisy / scale).astype(np.float32), (eeg / scale).astype(np.float32), snr[:, 0]


def partition(count: int, part: int) -> np.ndarray:
    """Indices of part 0, 1 or 2 of an 80 / 10 / 10 % split of `count` items (each non-empty)."""
    cuts = [0, max(1, int(0.8 * count)), max(2, int(0.9 * count)), count]
    if count < 3:
        raise ValueError(f"need at least 3 epochs to split into train / validation / test, found {count}")
    return np.arange(cuts[part], cuts[part + 1])


def eegdenoisenet_epochs(root: str):
    """EEGdenoiseNet's files `EEG_all_epochs.npy`, `EOG_all_epochs.npy`, `EMG_all_epochs.npy`:
    2-D arrays, one 512-sample (2 s) epoch per row. Returns (eeg, eog, emg) as float64."""
    arrays = []
    for name in ("EEG_all_epochs.npy", "EOG_all_epochs.npy", "EMG_all_epochs.npy"):
        array = np.load(os.path.join(root, name))
        if array.ndim != 2 or array.shape[1] != EEG_SAMPLES:
            raise ValueError(f"{name}: expected shape (epochs, {EEG_SAMPLES}), found {array.shape}")
        arrays.append(array.astype(np.float64))
    return tuple(arrays)
