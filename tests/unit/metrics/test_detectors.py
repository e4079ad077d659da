"""Each detector fires on the shape it is for, stays quiet on clean series, and explains itself."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from kubemedic.metrics import DETECTORS, DetectorBank, DetectorSettings, StreamingDetector, detector
from tests.unit.metrics.scenarios import AT, scenarios

SCENARIOS = scenarios()
NAMES = [s.name for s in SCENARIOS]
CLEAN = ("white noise", "daily pattern", "autocorrelated wander")


def run(name: str) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Alarms and scores of one detector over every scenario, all series in one bank."""
    bank = DetectorBank(detector(name), len(SCENARIOS))
    t = np.stack([s.t for s in SCENARIOS])
    x = np.stack([s.x for s in SCENARIOS])
    fired = np.zeros(x.shape, dtype=bool)
    scores = np.zeros(x.shape)
    for i in range(x.shape[1]):
        step = bank.update(t[:, i], x[:, i])
        fired[:, i], scores[:, i] = step.fired, step.score
    return fired, scores


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[NDArray[np.bool_], NDArray[np.float64]]]:
    return {d.name: run(d.name) for d in DETECTORS}


def alarms(
    results: dict[str, tuple[NDArray[np.bool_], NDArray[np.float64]]], det: str, scenario: str
) -> list[int]:
    return np.flatnonzero(results[det][0][NAMES.index(scenario)]).tolist()


@pytest.mark.parametrize(
    ("det", "scenario", "within"),
    [
        ("default", "spike", 0),
        ("default", "large shift", 0),
        ("default", "small shift", 60),
        ("default", "variance burst", 40),
        ("default", "memory leak", 240),
        ("default", "seasonal break", 40),
        ("robust_z", "spike", 0),
        ("robust_z", "large shift", 0),
        ("seasonal", "spike", 0),
        ("seasonal", "seasonal break", 40),
        ("cusum", "small shift", 60),
        ("variance", "variance burst", 40),
        ("trend", "memory leak", 240),
    ],
)
def test_detector_fires_on_its_shape_soon_after_it_starts(
    results, det: str, scenario: str, within: int
) -> None:
    found = [i for i in alarms(results, det, scenario) if AT <= i <= AT + within]
    assert found, (
        f"{det} did not fire on {scenario} within {within} points: alarms at {alarms(results, det, scenario)}"
    )
    before = [i for i in alarms(results, det, scenario) if i < AT]
    assert not before, f"{det} raised false alarms before the {scenario}: {before}"


@pytest.mark.parametrize("det", ["default", "seasonal", "cusum", "variance", "trend"])
@pytest.mark.parametrize("scenario", CLEAN)
def test_no_alarm_on_clean_series(results, det: str, scenario: str) -> None:
    assert alarms(results, det, scenario) == []


@pytest.mark.parametrize("det", [d.name for d in DETECTORS])
def test_warm_up_raises_no_alarm_and_scores_zero(results, det: str) -> None:
    fired, scores = results[det]
    warm = detector(det).warmup
    assert not fired[:, :warm].any()
    assert not scores[:, :warm].any()
    assert alarms(results, det, "spike during warm-up") == []


def test_one_lasting_shift_raises_one_alarm(results) -> None:
    assert len(alarms(results, "default", "large shift")) == 1


def test_scores_are_in_unit_interval_and_peak_at_the_spike(results) -> None:
    _, scores = results["default"]
    assert scores.min() >= 0.0 and scores.max() < 1.0
    row = scores[NAMES.index("spike")]
    assert int(np.argmax(row)) == AT


def test_detection_explains_itself() -> None:
    spike = SCENARIOS[NAMES.index("spike")]
    stream = StreamingDetector(detector("default"))
    out = [stream.update(float(t), float(v)) for t, v in zip(spike.t, spike.x, strict=True)]
    hit = out[AT]
    assert hit.fired and hit.detector == "default" and hit.reason == "zscore"
    assert hit.low < hit.expected < hit.high < hit.value
    assert hit.window_start < hit.window_end < hit.timestamp
    assert "zscore" in hit.explain() and "expected" in hit.explain()


def test_trend_eta_to_limit_is_within_15_percent_on_a_linear_leak() -> None:
    rng = np.random.default_rng(3)
    slope = 1e6  # bytes per minute
    limit = 2e9
    stream = StreamingDetector(detector("trend"), DetectorSettings(limit=limit))
    etas: list[tuple[float, float]] = []
    for i in range(900):
        true = 1e9 + slope * i
        d = stream.update(START_T + 60.0 * i, true + float(rng.normal(0, 2e6)))
        if d.eta_seconds is not None and i >= 400:
            etas.append((d.eta_seconds, (limit - true) / slope * 60.0))
    assert len(etas) > 400
    worst = max(abs(got - want) / want for got, want in etas)
    assert worst <= 0.15


START_T = 1_767_225_600.0


@pytest.mark.parametrize("det", [d.name for d in DETECTORS])
def test_vectorised_bank_gives_the_same_answers_as_one_stream_per_series(results, det: str) -> None:
    """The bank (numpy, all scenarios at once) and the stream (plain floats, one series) are two
    implementations of the same arithmetic: same alarms, same scores to rounding."""
    fired, scores = results[det]
    for k, scenario in enumerate(SCENARIOS):
        stream = StreamingDetector(detector(det))
        out = [stream.update(float(t), float(v)) for t, v in zip(scenario.t, scenario.x, strict=True)]
        assert [d.fired for d in out] == fired[k].tolist(), scenario.name
        assert [d.score for d in out] == pytest.approx(scores[k].tolist(), rel=1e-9, abs=1e-12), scenario.name


def test_bad_settings_and_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="sensitivity"):
        DetectorSettings(sensitivity=0)
    stream = StreamingDetector(detector("default"))
    stream.update(100.0, 1.0)
    with pytest.raises(ValueError, match="back in time"):
        stream.update(50.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        stream.update(200.0, float("nan"))
    with pytest.raises(ValueError, match="expected 2 timestamps"):
        DetectorBank(detector("default"), 2).update(np.zeros(3), np.zeros(3))


def test_bank_and_stream_agree_on_the_eta_to_a_limit() -> None:
    leak = SCENARIOS[NAMES.index("memory leak")]
    settings = DetectorSettings(limit=2.5e9)
    bank = DetectorBank(detector("default"), 1, settings)
    stream = StreamingDetector(detector("default"), settings)
    seen = 0
    for t, v in zip(leak.t, leak.x, strict=True):
        one = stream.update(float(t), float(v))
        step = bank.update(np.array([t]), np.array([v]))
        eta = float(step.eta[0])
        if one.eta_seconds is None:
            assert np.isnan(eta)
        else:
            seen += 1
            assert one.eta_seconds == pytest.approx(eta, rel=1e-9)
    assert seen > 100
