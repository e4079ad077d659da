"""The minute summary's numbers from a state (pure), and restarts counted between two looks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kubemedic.domain import InputError
from kubemedic.service.history import RestartCounter, Retention, summarize
from kubemedic.store import OpenOverview
from tests.factory import NOW, cstatus, node, pod, state, terminated, waiting

MINUTE = timedelta(minutes=1)


def crashing(name: str, restarts: int, finished_ago: float = 300) -> dict[str, object]:
    return pod(
        name,
        "shop",
        statuses=[
            cstatus(
                ready=False,
                restarts=restarts,
                state=waiting("CrashLoopBackOff"),
                last_state=terminated("Error", 1, ago=finished_ago),
            )
        ],
    )


def test_summary_counts_nodes_pods_and_copies_the_open_overview() -> None:
    s = state(
        node("n1"),
        node("n2", ready=False),
        pod("web-1"),
        pod("web-2", phase="Pending", node=None),
        crashing("api-1", 3),
    )
    overview = OpenOverview({"error": 2, "warning": 1}, 1, ("api-1: crash loop", "web: pending"))
    summary = summarize("prod", s, overview, at=NOW, restarts=4)
    assert (summary.nodes_ready, summary.nodes_total) == (1, 2)
    assert (summary.pods_ready, summary.pods_total) == (1, 3)
    assert summary.pods_by_phase == {"Pending": 1, "Running": 2}
    assert summary.restarts == 4 and summary.at == NOW and summary.cluster == "prod"
    assert summary.findings_by_severity == {"error": 2, "warning": 1} and summary.incidents_open == 1
    assert summary.top_findings == ("api-1: crash loop", "web: pending")


def test_restarts_between_looks_include_new_pods_and_ignore_deleted_ones() -> None:
    counter = RestartCounter()
    counter.count(state(crashing("a", 3), crashing("b", 1)), at=NOW, interval=MINUTE)
    later = state(crashing("a", 5), crashing("c", 2))  # a restarted twice, b deleted, c is new
    assert counter.count(later, at=NOW + MINUTE, interval=MINUTE) == 4
    assert counter.count(later, at=NOW + 2 * MINUTE, interval=MINUTE) == 0


def test_first_look_counts_terminations_inside_the_interval() -> None:
    s = state(crashing("recent", 7, finished_ago=20), crashing("old", 9, finished_ago=600))
    assert RestartCounter().count(s, at=NOW, interval=MINUTE) == 1


def test_retention_must_be_positive() -> None:
    with pytest.raises(InputError, match="retention must be positive"):
        Retention(None, clock=lambda: NOW, keep=timedelta(0))  # type: ignore[arg-type]
