"""The ground truth a synthesized row carries: which fault was planted, where, and whether it showed.

A scenario declares where its fault lands (kind, namespace, name) and which finding category a
diagnosis should report. A row is "on the fault object" when it is about that object, about
something the object owns (the pods of a planted Deployment, through their ReplicaSet), about one of
its owners (the Deployment of a planted ReplicaSet), about a Service in front of its pods, or - for
a Node fault - about a pod scheduled on that node; a finding also when it blames the fault object
(names it as related or depended on). The fault is "active" from the moment the scenario planted it
(its symptoms may take longer: a leak climbs for a while before it is noticed); it is "visible" when
the scan at that moment reports the scenario's category on (or blaming) the fault object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kubemedic.domain import Finding
from kubemedic.sim.scenarios import Scenario
from kubemedic.state import ClusterState, Pod
from kubemedic.state.objects import KubeObject, as_map
from kubemedic.state.selectors import LabelSelector

CLEAN = "clean"  # the scenario name of the run with no fault: every row a negative
GENERATED = frozenset({"ReplicaSet", "Job", "Pod"})  # kinds the cluster names `<owner>-<suffix>`


@dataclass(frozen=True, slots=True)
class FaultTarget:
    """One run's label source. For the clean run `category`, `kind` and `name` are empty."""

    scenario: str
    category: str
    kind: str
    namespace: str
    name: str
    reason: str
    planted_at: float  # elapsed seconds when the scenario planted its fault (inf for the clean run)

    @classmethod
    def of(cls, scenario: Scenario | None, planted_at: float) -> FaultTarget:
        if scenario is None:
            return cls(CLEAN, "", "", "", "", "", float("inf"))
        return cls(
            scenario.name,
            scenario.category,
            scenario.kind,
            scenario.namespace,
            scenario.object,
            scenario.reason,
            planted_at,
        )

    @property
    def display(self) -> str:
        """`Deployment shop/session-cache`, `Node kubemedic-worker2`, "" for the clean run."""
        if not self.kind:
            return ""
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"

    def active(self, elapsed: float) -> bool:
        return elapsed >= self.planted_at

    def covers(self, state: ClusterState, kind: str, namespace: str, name: str) -> bool:
        """Whether the object (kind, namespace, name) is the fault object, one of its owners, something
        it owns, or a pod on the faulty node."""
        if not self.kind:
            return False
        if self._is_target(kind, namespace, name):
            return True
        obj = state.get(kind, namespace, name)
        if obj is None:
            return False
        if any(self._is_target(o.kind, o.namespace, o.name) for o in state.owner_chain(obj)):
            return True
        if (kind, namespace, name) in self._owners_of_target(state):
            return True
        if kind == "Service" and self._fronts_target(state, obj):
            return True
        return self.kind == "Node" and isinstance(obj, Pod) and obj.node_name == self.name

    def _fronts_target(self, state: ClusterState, service: KubeObject) -> bool:
        """A Service whose selector picks pods of the fault object (clients blame the Service)."""
        selector = as_map(service.spec.get("selector"))
        if not selector:
            return False
        pods = state.select_pods(service.namespace, LabelSelector.from_map(selector))
        return any(
            self._is_target(o.kind, o.namespace, o.name) for p in pods for o in (p, *state.owner_chain(p))
        )

    def blamed(self, state: ClusterState, finding: Finding) -> bool:
        """Whether the finding is about the fault object or blames it (its related/depends-on objects):
        a client that cannot reach a crash-looping database reports on itself, but names the database."""
        return any(
            self.covers(state, ref.kind, ref.namespace, ref.name)
            for ref in (finding.object, *finding.depends_on, *finding.related)
        )

    def visible(self, state: ClusterState, findings: Iterable[Finding]) -> bool:
        """Whether any finding reports the scenario's category on (or blaming) the fault object."""
        return any(f.category == self.category and self.blamed(state, f) for f in findings)

    def _is_target(self, kind: str, namespace: str, name: str) -> bool:
        """The declared object, or one the cluster named after it (a scenario declares the ReplicaSet
        `renderer`; the cluster calls it `renderer-5d8f7`, a Job `backup-2901`, a pod `db-0`)."""
        if kind != self.kind or namespace != self.namespace:
            return False
        return name == self.name or (kind in GENERATED and name.rsplit("-", 1)[0] == self.name)

    def _owners_of_target(self, state: ClusterState) -> frozenset[tuple[str, str, str]]:
        def owners() -> frozenset[tuple[str, str, str]]:
            out: set[tuple[str, str, str]] = set()
            for obj in state.objects(self.kind, self.namespace or None):
                if self._is_target(obj.kind, obj.namespace, obj.name):
                    out.update((o.kind, o.namespace, o.name) for o in state.owner_chain(obj))
            return frozenset(out)

        return state.memo(f"synth-owners-of/{self.display}", owners)

    def label(self, elapsed: float, on_fault_object: bool) -> str:
        """The training label: the fault's category on its object while active, "" (normal) otherwise."""
        return self.category if on_fault_object and self.active(elapsed) else ""
