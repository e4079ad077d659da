"""Analysis that re-runs only for what changed, with the whole cluster analyzed now and then.

The monitor hands each new state with the keys of the objects that changed since the last one. The
plan (analyzers/scope.py) says which objects' findings those changes can alter; the analyzers then
run on the state focused on those objects (state/focus.py: iteration narrowed, lookups whole), and
their findings about those objects replace the previous ones - every other finding is carried over.

Everything is analyzed when the plan says so, when there is no previous analysis, when asked
(`force_full`: a watch relisted), and at least every `full_every_s`: findings that follow the clock
("Pending for 10 minutes") change without any object changing, and a periodic full pass also bounds
how long any dependency the plan does not know about could leave a finding stale.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from kubemedic.analyzers.run import run_analyzers
from kubemedic.analyzers.scope import Key, full, known_from, plan
from kubemedic.domain import Finding
from kubemedic.state import ClusterState
from kubemedic.state.focus import focus

DEFAULT_FULL_EVERY_S = 10.0
INTERNAL_KIND = "Analyzer"  # an analyzer's crash is reported on this kind


@dataclass(frozen=True, slots=True)
class AnalysisRun:
    findings: tuple[Finding, ...]
    full: bool
    reason: str  # why everything was analyzed, "" when scoped
    scope: int  # objects re-analyzed (all of them when full)


class IncrementalAnalysis:
    def __init__(
        self, *, full_every_s: float = DEFAULT_FULL_EVERY_S, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.full_every_s = full_every_s
        self._monotonic = monotonic
        self._state: ClusterState | None = None
        self._findings: dict[str, Finding] = {}
        self._full_at = float("-inf")
        self.full_runs = 0
        self.scoped_runs = 0

    def run(self, state: ClusterState, dirty: Collection[Key], *, force_full: str = "") -> AnalysisRun:
        """Findings for `state`, `dirty` being the keys changed since the previous call's state."""
        previous = self._state
        if previous is None:
            decided = full("first analysis")
        elif force_full:
            decided = full(force_full)
        elif self._monotonic() - self._full_at >= self.full_every_s:
            decided = full("periodic full analysis")
        else:
            known = known_from(
                [(f.object.kind, f.object.namespace, f.object.name) for f in self._findings.values()]
            )
            decided = plan(previous, state, dirty, known)
        if decided.full:
            found = run_analyzers(state)
            self._full_at = self._monotonic()
            self.full_runs += 1
            scope = sum(state.kinds.values())
        else:
            found = self._merge(run_analyzers(focus(state, decided.keys)), decided.keys)
            self.scoped_runs += 1
            scope = len(decided.keys)
        self._state = state
        self._findings = {f.id: f for f in found}
        return AnalysisRun(tuple(found), decided.full, decided.reason, scope)

    def _merge(self, fresh: Sequence[Finding], keys: frozenset[Key]) -> list[Finding]:
        def inside(f: Finding) -> bool:
            ref = f.object
            return (ref.kind, ref.namespace, ref.name) in keys

        kept = [f for f in self._findings.values() if not inside(f)]
        seen = {f.id for f in kept}
        # fresh crash reports are kept too (they name an analyzer, not an object of the scope)
        added = [f for f in fresh if (inside(f) or f.object.kind == INTERNAL_KIND) and f.id not in seen]
        return kept + added
