"""The garbage collector on serve's schedule: collect, then freeze the survivors; a full walk now and then."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kubemedic.service.gc_schedule import OLD_GENERATION_THRESHOLD, CollectorSchedule


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()  # the collector is process-wide: leave it as found
    gc.set_threshold(*thresholds)


def test_the_old_generation_is_left_to_the_schedule_once_it_runs() -> None:
    young, middle, old = gc.get_threshold()
    CollectorSchedule(None).after_new_state()
    assert gc.get_threshold() == (young, middle, old), "off: the collector is left as it was"
    CollectorSchedule(0.0).after_new_state()
    assert gc.get_threshold() == (young, middle, OLD_GENERATION_THRESHOLD)


def test_off_unless_asked() -> None:
    CollectorSchedule(None).after_new_state()
    assert gc.get_freeze_count() == 0


def test_survivors_are_frozen_and_only_the_full_rounds_thaw_them(monkeypatch: pytest.MonkeyPatch) -> None:
    thaws: list[int] = []
    unfreeze = gc.unfreeze
    monkeypatch.setattr(gc, "unfreeze", lambda: (thaws.append(schedule.rounds), unfreeze()))
    schedule = CollectorSchedule(0.0, full_every=3)
    keep = [[i] for i in range(1000)]
    schedule.after_new_state()
    frozen = gc.get_freeze_count()
    assert frozen >= len(keep), "what survived is out of the collector's way"
    more = [[i] for i in range(1000)]
    schedule.after_new_state()  # round 2: not a full one, the frozen stay frozen and the new join them
    assert gc.get_freeze_count() >= frozen + len(more)
    schedule.after_new_state()  # round 3
    schedule.after_new_state()  # round 4 = 1 + full_every: thawed, everything walked, frozen again
    assert schedule.rounds == 4 and thaws == [1, 4], "thawed on the first and every 3rd round after"
    assert gc.get_freeze_count() >= len(keep) + len(more)


def test_at_most_once_per_interval() -> None:
    schedule = CollectorSchedule(3600.0)
    schedule.after_new_state()
    schedule.after_new_state()
    assert schedule.rounds == 1
