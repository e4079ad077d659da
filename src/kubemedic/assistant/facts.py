"""What the assistant reads: one cluster's state with its findings and incidents, plus optional sources.

The assistant never reaches into a store, an API or a cluster client itself. It is handed a `Facts`:
the diagnosis (state + findings + incidents, computed here when only a state is given), the runbook
knowledge, an injected clock, and - when the caller has them - a timeline of changes and a log reader.
The optional sources are Protocols, so a snapshot, `kubemedic serve` and tests plug in what they have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from kubemedic.analyzers.run import run_analyzers
from kubemedic.correlate import correlate
from kubemedic.domain import Finding, Incident, ObjectRef
from kubemedic.knowledge import Passage, Runbook
from kubemedic.state import ClusterState, KubeObject

Clock = Callable[[], datetime]
Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One recorded change: an event, a status change, a restart, a finding opened or resolved."""

    at: datetime
    object: ObjectRef
    type: str
    text: str


class TimelineSource(Protocol):
    """Changes recorded over time (serve's store). `ref=None` means the whole cluster; newest first."""

    async def recent(self, ref: ObjectRef | None, since: datetime) -> list[TimelineItem]: ...


class LogSource(Protocol):
    """Reads a container's log tail (serve's live connection)."""

    async def tail(self, namespace: str, pod: str, container: str, *, previous: bool, lines: int) -> str: ...


class Knowledge(Protocol):
    """The part of the knowledge base the assistant uses (kubemedic.knowledge.KnowledgeBase)."""

    def runbook(self, category: str) -> Runbook | None: ...

    def search(self, query: str, limit: int = 5) -> list[Passage]: ...


@dataclass(frozen=True)
class Diagnosis:
    """A state with its findings and incidents, indexed the ways the assistant asks."""

    state: ClusterState
    findings: tuple[Finding, ...]
    incidents: tuple[Incident, ...]
    _by_id: dict[str, Finding] = field(init=False, repr=False, compare=False)
    _by_key: dict[Key, list[Finding]] = field(init=False, repr=False, compare=False)
    _incidents: dict[str, Incident] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[Key, list[Finding]] = defaultdict(list)
        for f in self.findings:
            by_key[f.object.key].append(f)
        object.__setattr__(self, "_by_id", {f.id: f for f in self.findings})
        object.__setattr__(self, "_by_key", dict(by_key))
        object.__setattr__(self, "_incidents", {i.id: i for i in self.incidents})

    @classmethod
    def of(
        cls,
        state: ClusterState,
        findings: Sequence[Finding] | None = None,
        incidents: Sequence[Incident] | None = None,
    ) -> Diagnosis:
        """Use the findings given, or run the analyzers and the correlator over the state."""
        if findings is None:
            correlated = correlate(state, run_analyzers(state))
            return cls(state, correlated.findings, correlated.incidents)
        return cls(state, tuple(findings), tuple(incidents or ()))

    def finding(self, finding_id: str) -> Finding | None:
        return self._by_id.get(finding_id)

    def incident_of(self, finding: Finding) -> Incident | None:
        return self._incidents.get(finding.incident_id) if finding.incident_id else None

    def root_of(self, finding: Finding) -> Finding | None:
        """The incident's root-cause finding when `finding` is a symptom of another one; else None."""
        incident = self.incident_of(finding)
        if incident is None or incident.root_cause_finding_id == finding.id:
            return None
        return self._by_id.get(incident.root_cause_finding_id)

    def members(self, incident: Incident) -> list[Finding]:
        return [self._by_id[i] for i in incident.finding_ids if i in self._by_id]

    def on_object(self, ref: ObjectRef) -> list[Finding]:
        return list(self._by_key.get(ref.key, ()))

    def about(self, obj: KubeObject) -> list[Finding]:
        """Findings on the object itself, on what owns it, and on what it owns (a Deployment's pods)."""
        keys = [obj.ref.key]
        keys += [o.ref.key for o in self.state.owner_chain(obj)]
        keys += [p.ref.key for p in self.state.pods_of(obj)]
        keys += [c.ref.key for c in self.state.children(obj)]
        out: list[Finding] = []
        for key in dict.fromkeys(keys):
            out.extend(self._by_key.get(key, ()))
        return out

    def in_namespace(self, namespace: str | None) -> list[Finding]:
        if namespace is None:
            return list(self.findings)
        return [f for f in self.findings if f.object.namespace == namespace]


@dataclass(frozen=True)
class Facts:
    """Everything one answer may use. `clock` is "now" (for snapshots, the capture time)."""

    diagnosis: Diagnosis
    clock: Clock
    knowledge: Knowledge | None = None
    timeline: TimelineSource | None = None
    logs: LogSource | None = None

    @property
    def state(self) -> ClusterState:
        return self.diagnosis.state


def secret_values(state: ClusterState) -> list[str]:
    """Values of Secrets in a state (snapshots and live reads drop them, but a state may carry them),
    so they can be masked exactly wherever they appear."""
    values: list[str] = []
    for secret in state.objects("Secret"):
        for field_name in ("data", "stringData"):
            data = secret.raw.get(field_name)
            if isinstance(data, dict):
                values += [v for v in data.values() if isinstance(v, str) and v]
    return values
