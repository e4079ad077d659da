"""Moving series between detector banks: take some rows' state out of a bank, put it into another.

A `DetectorBank` advances every row by one point per update, but a collector's series do not move in
lockstep: pods come and go, and a series skips a reading when the metrics API serves the same scrape
again. So the collector keeps its series in several banks and moves rows between them - always as a
whole row state (ring windows, sorted window, daily profile, every check's per-series arrays, named
by each check's ROW_STATE), so that a series that moved gives exactly the answers it would have given
had it stayed: the arithmetic per row is the same, only its neighbours change.

A row can be put into a bank that has seen the same number of updates, or - once both are *mature*
(their windows full: count >= the baseline's history) - into any mature bank: the ring windows are
rewritten at the receiving bank's write position and the alarm bookkeeping (points since the last
alarm) is shifted by the difference in counts. Before maturity, the count decides which window
lengths exist, so rows only move between banks of equal count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.engine import DetectorBank, DetectorSpec
from kubemedic.metrics.sorted_window import SortedWindow

IntArray = NDArray[np.int64]
PROFILE_STATE = ("_sums", "_counts", "_slot_day", "_day_mean", "_current_day", "_shape", "_reference")


@dataclass(frozen=True, slots=True)
class BankRows:
    """The state of some rows of a bank, detached from it (copies)."""

    count: int  # updates the rows had seen in their bank
    rows: int
    layout: tuple[str, ...]  # which per-row fields `fields` holds, in order
    rings: tuple[NDArray[Any], NDArray[Any]]  # the y and t windows, oldest first, (rows, min(count, history))
    fields: tuple[NDArray[Any], ...]


def mature(bank: DetectorBank) -> bool:
    """Every window of the bank is full: its rows can move to any mature bank."""
    return bank.count >= bank.spec.baseline().history


def take(bank: DetectorBank, rows: IntArray) -> BankRows:
    """A copy of the state of `rows` (indices into the bank)."""
    rows = np.asarray(rows, dtype=np.int64)
    base = bank._baseline
    k = min(bank.count, base.config.history)
    if k > 0:
        rings = (base._y.last(k)[rows], base._t.last(k)[rows])
    else:
        rings = (np.zeros((rows.size, 0)), np.zeros((rows.size, 0)))
    names, fields = [], []
    for name, owner, attr, axis in _fields(bank):
        names.append(name)
        fields.append(np.take(getattr(owner, attr), rows, axis=axis))
    return BankRows(bank.count, int(rows.size), tuple(names), rings, tuple(fields))


def put(bank: DetectorBank, rows: IntArray, state: BankRows) -> None:
    """Overwrite the rows `rows` of `bank` with `state` (taken from this bank or another one)."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size != state.rows:
        raise ValueError(f"{rows.size} rows to fill with the state of {state.rows}")
    history = bank.spec.baseline().history
    if state.count != bank.count and not (state.count >= history and bank.count >= history):
        raise ValueError(f"rows that saw {state.count} updates cannot join a bank that saw {bank.count}")
    spots = _fields(bank)
    if tuple(name for name, *_ in spots) != state.layout:
        raise ValueError("rows taken from a bank of another detector or other settings")
    base = bank._baseline
    if state.rings[0].shape[1] > 0:
        base._y.rewrite(rows, state.rings[0])
        base._t.rewrite(rows, state.rings[1])
    shift = bank.count - state.count
    for (name, owner, attr, axis), values in zip(spots, state.fields, strict=True):
        target = getattr(owner, attr)
        fill = values + shift if name == "bank._last_alarm" else values
        if axis == 0:
            target[rows] = fill
        else:
            target[:, rows] = fill


def load(spec: DetectorSpec, settings: DetectorSettings, state: BankRows) -> DetectorBank:
    """A new bank holding exactly the rows of `state`, at their count."""
    limits = np.full(state.rows, np.nan) if any(n.endswith(".limit") for n in state.layout) else None
    bank = DetectorBank(spec, state.rows, settings, limits)
    base = bank._baseline
    base._y.count = base._t.count = state.count
    if state.count >= base.config.window:
        base._sorted = SortedWindow(np.zeros((state.rows, base.config.window)))
    put(bank, np.arange(state.rows), state)
    return bank


def grow(bank: DetectorBank, extra: int) -> None:
    """Add `extra` rows at the end of the bank, copies of its row 0 (for the caller to overwrite)."""
    if extra < 1:
        return
    base = bank._baseline
    for ring in (base._y, base._t):
        ring._buf = np.concatenate([ring._buf, np.repeat(ring._buf[:1], extra, axis=0)])
    for _, owner, attr, axis in _fields(bank):
        values = getattr(owner, attr)
        first = values[:1] if axis == 0 else values[:, :1]
        setattr(owner, attr, np.concatenate([values, np.repeat(first, extra, axis=axis)], axis=axis))
    bank.rows += extra
    base.rows = bank.rows
    if base._profile is not None:
        base._profile._rows = np.arange(bank.rows)


def _fields(bank: DetectorBank) -> list[tuple[str, Any, str, int]]:
    """(name, owner object, attribute, row axis) of every per-row array of the bank but the rings."""
    base = bank._baseline
    out: list[tuple[str, Any, str, int]] = [
        ("bank._last_alarm", bank, "_last_alarm", 0),
        ("baseline._seasoned", base, "_seasoned", 0),
    ]
    if base._sorted is not None:
        out.append(("baseline.sorted", base._sorted, "sorted", 0))
    if base._profile is not None:
        out += [(f"profile.{a}", base._profile, a, 0) for a in PROFILE_STATE]
    for i, check in enumerate(bank._checks):
        for attr, axis in check.ROW_STATE:
            if getattr(check, attr) is not None:
                out.append((f"{i}.{check.name}.{attr}", check, attr, axis))
    return out
