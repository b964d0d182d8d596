"""Cheap photo-quality checks: blur, exposure and resolution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .imaging import downscale

ANALYSIS_MAX_SIDE = 800
# Variance of the 4-neighbour Laplacian on the 800 px grayscale copy (the usual
# "< 100 is blurry" rule of thumb). The synthetic 1600x1200 label photo scores
# ~2100 sharp, ~250 at Gaussian radius 2, ~67 at radius 3 (barcode no longer
# decodes there), ~25 at radius 4.
BLURRY_BELOW = 100.0
TOO_DARK_BELOW = 45.0
# Mean brightness alone would flag legitimate white-backdrop shots, so
# overexposure also requires most pixels to be clipped.
OVEREXPOSED_ABOVE = 235.0
OVEREXPOSED_CLIPPED_SHARE = 0.5
CLIPPED_LEVEL = 250
MIN_SHORT_SIDE = 500


@dataclass(frozen=True)
class ImageQuality:
    width: int
    height: int
    sharpness: float
    brightness: float
    issues: tuple[str, ...]


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the discrete Laplacian; low values mean few sharp edges."""
    g = gray.astype(np.float32)
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    lap = (
        g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4.0 * g[1:-1, 1:-1]
    )
    return float(lap.var())


def assess_quality(img: Image.Image) -> ImageQuality:
    """Measure sharpness and brightness and list problems a seller should fix."""
    width, height = img.size
    gray = np.asarray(downscale(img, ANALYSIS_MAX_SIDE).convert("L"))
    sharpness = laplacian_variance(gray)
    brightness = float(gray.mean()) if gray.size else 0.0
    clipped_share = float((gray >= CLIPPED_LEVEL).mean()) if gray.size else 0.0

    issues = []
    if sharpness < BLURRY_BELOW:
        issues.append("blurry")
    if brightness < TOO_DARK_BELOW:
        issues.append("too dark")
    if brightness > OVEREXPOSED_ABOVE and clipped_share > OVEREXPOSED_CLIPPED_SHARE:
        issues.append("overexposed")
    if min(width, height) < MIN_SHORT_SIDE:
        issues.append("low resolution")
    return ImageQuality(
        width=width,
        height=height,
        sharpness=round(sharpness, 2),
        brightness=round(brightness, 2),
        issues=tuple(issues),
    )
