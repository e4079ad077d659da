"""The optional IsolationForest detector ([ml] extra): a spike and a joint anomaly of two series are
found after the warm-up, nothing before it; clear errors for bad input; listed only when
scikit-learn can be imported. Skipped only where scikit-learn is absent."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from kubemedic.cli import app
from kubemedic.domain import InputError
from kubemedic.metrics.detectors import isolation, registry

pytest.importorskip("sklearn")


def test_a_spike_after_the_warm_up_is_found_and_scores_peak_there() -> None:
    rng = np.random.default_rng(3)
    x = 50 + rng.normal(0, 1, 3000)
    x[2500] += 25
    x[500] += 25  # inside the warm-up: no alarm possible
    fired, scores = isolation.detect(x)
    assert 2500 in np.flatnonzero(fired).tolist()
    assert not fired[: isolation.WARMUP].any() and (scores[: isolation.WARMUP] == 0).all()
    assert scores[2500] == scores.max() and 0.5 < scores[2500] < 1


def test_two_series_observed_together() -> None:
    """A spike in both series of a pair ranks among the most isolated moments (the forest cannot tell
    30 sigma from 5: a point beyond the training range is as isolated as the most extreme training
    point, so it does not always cross the threshold); a pair that moves apart once, each value
    within its usual range, is not singled out - the limits the module doc states."""
    rng = np.random.default_rng(4)
    a = rng.normal(0, 1, 3000)
    b = a + rng.normal(0, 0.05, 3000)  # b follows a
    a2, b2 = a.copy(), b.copy()
    a2[2600] += 30
    b2[2600] += 30
    _, scores = isolation.detect(np.stack([a2, b2], axis=1))
    after = scores[isolation.WARMUP :]
    assert scores[2600] >= np.quantile(after, 0.999)
    a2, b2 = a.copy(), b.copy()
    a2[2600], b2[2600] = 1.5, -1.5
    _, scores = isolation.detect(np.stack([a2, b2], axis=1))
    assert scores[2600] < np.quantile(scores[isolation.WARMUP :], 0.99), "moved apart within range"


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(InputError, match="finite values"):
        isolation.detect(np.array([1.0, np.nan] * 800))
    with pytest.raises(InputError, match="warmup >= 130"):
        isolation.detect(np.zeros(2000), warmup=50)
    with pytest.raises(InputError, match="scores whole series in blocks"):
        registry.detector("isolation_forest")


def test_listed_with_the_detectors_when_scikit_learn_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    listed = CliRunner().invoke(app, ["anomaly", "detectors"])
    assert listed.exit_code == 0 and "isolation_forest [ml] IsolationForest" in listed.stdout
    monkeypatch.setattr(isolation, "available", lambda: False)
    hidden = CliRunner().invoke(app, ["anomaly", "detectors"])
    assert "isolation_forest [ml]" not in hidden.stdout
    assert "isolation_forest needs scikit-learn: pip install 'kubemedic[ml]'" in hidden.stderr
    with pytest.raises(InputError, match="needs scikit-learn"):
        isolation.detect(np.zeros(2000))
