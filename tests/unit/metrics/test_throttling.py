"""CPU throttling near the limit: usage held at >= 90 % of the container's CPU limit for 4 readings
is one warning per episode, on the Deployment, with the series, window and limit as evidence."""

from __future__ import annotations

import pytest

from kubemedic.metrics.samples import CPU_CORES, MEMORY_BYTES, Sample, SeriesId
from kubemedic.metrics.throttling import ThrottlingDetector
from tests.unit.metrics.workloads import T0, pod, state

CPU = SeriesId(CPU_CORES, "Pod", "shop", "web-1", "app")


def _run(detector: ThrottlingDetector, cores: list[float], cpu_limit: str | None = "500m") -> list[list[str]]:
    cluster = state(pod("web-1", cpu_limit=cpu_limit))
    out = []
    for i, value in enumerate(cores):
        now = T0 + 15 * i
        alarms = detector.observe([Sample(CPU, now, value)], cluster, now)
        out.append([f.title for f in alarms])
    return out


def test_usage_pinned_at_the_limit_is_a_warning_after_four_readings() -> None:
    detector = ThrottlingDetector()
    titles = _run(detector, [0.2, 0.3, 0.47, 0.5, 0.49, 0.5, 0.5, 0.5])
    assert [bool(t) for t in titles] == [False] * 5 + [True, False, False], "4 readings at >= 90 %, one alarm"
    (finding,) = detector.findings(T0 + 15 * 7)
    assert finding.title == "cpu of web-1/app: throttled at its CPU limit"
    assert finding.severity.value == "warning" and finding.category == "anomaly"
    assert (finding.object.kind, finding.object.name) == ("Deployment", "web")
    text = finding.evidence[0].text
    assert "CPU limit 0.5 cores" in text and "over 6 readings" in text and "peak 0.5" in text
    assert "from 2027-01-15T08:00:30Z .. 2027-01-15T08:01:45Z" in text, "the window of the episode"


def test_no_alarm_below_the_ratio_without_a_limit_or_on_other_series() -> None:
    assert not any(_run(ThrottlingDetector(), [0.44] * 20)), "88 % of the limit is busy, not throttled"
    assert not any(_run(ThrottlingDetector(), [0.5, 0.5, 0.5, 0.2] * 5)), "never 4 readings in a row"
    assert not any(_run(ThrottlingDetector(), [0.5] * 10, cpu_limit=None)), "no limit, no throttling"
    detector = ThrottlingDetector()
    mem = SeriesId(MEMORY_BYTES, "Pod", "shop", "web-1", "app")
    cluster = state(pod("web-1"))
    assert not any(detector.observe([Sample(mem, T0 + i, 1e9)], cluster, T0 + i) for i in range(10))


def test_a_new_episode_after_usage_fell_below_the_rearm_level_alarms_again() -> None:
    titles = _run(ThrottlingDetector(), [0.5] * 5 + [0.42] * 3 + [0.5] * 5 + [0.3] + [0.5] * 5)
    assert sum(bool(t) for t in titles) == 2, "84 % does not re-arm (above 80 %); 60 % does"


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="rearm"):
        ThrottlingDetector(ratio=0.8, rearm=0.9)
    with pytest.raises(ValueError, match="readings"):
        ThrottlingDetector(readings=0)


def test_a_pod_without_a_limit_is_watched_once_a_new_version_of_it_has_one() -> None:
    detector = ThrottlingDetector()
    unlimited, limited = state(pod("web-1", cpu_limit=None)), state(pod("web-1", cpu_limit="500m"))
    for i in range(5):  # the same pod view, no limit: nothing, however busy
        assert detector.observe([Sample(CPU, T0 + 15 * i, 0.5)], unlimited, T0 + 15 * i) == []
    titles = []
    for i in range(5, 10):  # the pod recreated with a limit (a new view): counted from its first reading
        titles.append(
            [f.title for f in detector.observe([Sample(CPU, T0 + 15 * i, 0.5)], limited, T0 + 15 * i)]
        )
    assert [bool(t) for t in titles] == [False, False, False, True, False]
