"""Optional multivariate detector: scikit-learn's IsolationForest over per-point features of one or
more series (the `[ml]` extra: `pip install 'kubemedic[ml]'`).

Each point of each series is described by three features, from the points before it only:

    z      = (x - median of the last WINDOW) / robust spread of the last WINDOW
    step   = (x - previous x) / the same spread
    noise  = log of (median |successive difference| of the last SHORT points incl. this one / spread)

Several series observed together (a pod's memory and CPU, a service's traffic and error rate) are
one point with the features of each side by side: the forest judges a moment on all of them at once
(an odd step in one series is scored against how the others moved too). Its axis-parallel splits
are weak at pure relationships, though: two series that always move together and once move apart,
each within its usual range, are not reliably found; and a point beyond the training range is only
as isolated as the most extreme training point, so 30 sigma scores like 5 (measured; the tests keep
both limits in view). The forest is fitted on the last TRAIN points every REFIT points, after a warm-up
of WARMUP points; between fits it scores new points with the model fitted on the past only, so the
answers are those of a stream (the points are scored in blocks, which is only faster). A point is a
candidate when its anomaly score (-score_samples, in (0, 1]: near 1 is isolated at once, typical
points score well under 0.5) exceeds THRESHOLD; after an alarm it stays quiet for GAP points, like the
bank. THRESHOLD 0.7 was chosen on the development corpus (seed 1) among fixed levels and levels
relative to the training scores (the highest, the 99.9th and 99th percentiles, times 1-1.2): the
relative ones either never fired or fired on every clean series (docs/benchmarks.md).

Slow next to the numpy detectors (a fit is ~0.1 s), so it is a batch and benchmark detector, not one
the collector runs per series; scikit-learn is imported only when it runs.
"""

from __future__ import annotations

import importlib.util

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from kubemedic.domain import InputError

NAME = "isolation_forest"
SUMMARY = "[ml] IsolationForest over z-score, step and noise features; several series jointly"
MISSING = f"{NAME} needs scikit-learn: pip install 'kubemedic[ml]'"
WINDOW = 120
SHORT = 31
WARMUP = 1000
TRAIN = 2000
REFIT = 1000
THRESHOLD = 0.7
GAP = 120
TREES = 100

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def available() -> bool:
    """scikit-learn can be imported (the `[ml]` extra is installed)."""
    return importlib.util.find_spec("sklearn") is not None


def features(values: FloatArray) -> FloatArray:
    """The (points, 3) features of one series (see the module doc); NaN for the first WINDOW points."""
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    out = np.full((n, 3), np.nan)
    if n <= WINDOW:
        return out
    past = sliding_window_view(x[:-1], WINDOW)[: n - WINDOW]  # past[i] = the WINDOW points before WINDOW+i
    level = np.median(past, axis=1)
    q75, q25 = np.percentile(past, [75, 25], axis=1)
    mad = np.median(np.abs(past - level[:, None]), axis=1)
    spread = np.maximum(np.maximum((q75 - q25) / 1.349, 1.4826 * mad), 1e-9 + 1e-6 * np.abs(level))
    now = x[WINDOW:]
    out[WINDOW:, 0] = (now - level) / spread
    out[WINDOW:, 1] = (now - x[WINDOW - 1 : -1]) / spread
    diffs = np.abs(np.diff(x))  # diffs[j] = |x[j+1] - x[j]|
    recent = sliding_window_view(diffs, SHORT)  # recent[j] ends at diffs[j + SHORT - 1]: point j + SHORT
    noise = np.median(recent, axis=1)[WINDOW - SHORT :]
    out[WINDOW:, 2] = np.log((noise + 0.1 * spread) / spread)
    return out


def detect(
    series: FloatArray,
    *,
    warmup: int = WARMUP,
    train: int = TRAIN,
    refit: int = REFIT,
    threshold: float = THRESHOLD,
    gap: int = GAP,
    seed: int = 0,
) -> tuple[BoolArray, FloatArray]:
    """Alarms and scores (score in [0, 1), 0.5 at the threshold) for `series`: shape (points,) for
    one series, or (points, k) for k series observed together. InputError when scikit-learn is
    missing or the settings cannot work."""
    if not available():
        raise InputError(MISSING)
    from sklearn.ensemble import IsolationForest

    data = np.asarray(series, dtype=np.float64)
    columns = data[:, None] if data.ndim == 1 else data
    if columns.ndim != 2 or not np.isfinite(columns).all():
        raise InputError("isolation_forest needs finite values, one column per series")
    if not (warmup >= WINDOW + 10 and train >= 10 and refit >= 1 and threshold > 0 and gap >= 0):
        raise InputError(
            f"isolation_forest settings: warmup >= {WINDOW + 10}, train >= 10, refit >= 1, threshold > 0"
        )
    n = columns.shape[0]
    feats = np.concatenate([features(columns[:, k]) for k in range(columns.shape[1])], axis=1)
    scores = np.zeros(n)
    candidate = np.zeros(n, dtype=bool)
    for start in range(warmup, n, refit):
        fit_rows = feats[max(WINDOW, start - train) : start]
        forest = IsolationForest(n_estimators=TREES, random_state=seed).fit(fit_rows)
        block = slice(start, min(start + refit, n))
        raw = -forest.score_samples(feats[block])
        scores[block] = raw / (raw + threshold)
        candidate[block] = raw > threshold
    fired = np.zeros(n, dtype=bool)
    last = -(10**9)
    for i in np.flatnonzero(candidate).tolist():
        if i - last >= gap:
            fired[i] = True
            last = i
    return fired, scores
