"""Pods and their containers: specs, statuses and states."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubemedic.state.objects import Json, KubeObject, as_list, as_map
from kubemedic.state.timeutil import parse_time


@dataclass(frozen=True, slots=True)
class ContainerState:
    """One of waiting / running / terminated, flattened."""

    state: str  # waiting | running | terminated | unknown
    reason: str = ""
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None
    started_at: str = ""
    finished_at: str = ""

    @classmethod
    def parse(cls, data: object) -> ContainerState:
        data = as_map(data)
        for name in ("waiting", "terminated", "running"):
            inner = data.get(name)
            if isinstance(inner, Mapping):
                code = inner.get("exitCode")
                sig = inner.get("signal")
                return cls(
                    name,
                    str(inner.get("reason") or ""),
                    str(inner.get("message") or ""),
                    int(code) if isinstance(code, int) else None,
                    int(sig) if isinstance(sig, int) else None,
                    str(inner.get("startedAt") or ""),
                    str(inner.get("finishedAt") or ""),
                )
        return cls("unknown")


@dataclass(frozen=True, slots=True)
class ContainerStatus:
    name: str
    image: str
    ready: bool
    started: bool
    restart_count: int
    state: ContainerState
    last_state: ContainerState
    init: bool

    @property
    def field_path(self) -> str:
        """The event `involvedObject.fieldPath` kubelet uses for this container."""
        return f"spec.{'initContainers' if self.init else 'containers'}{{{self.name}}}"


@dataclass(frozen=True, slots=True)
class ContainerSpec:
    name: str
    image: str
    init: bool
    raw: Json

    @property
    def ports(self) -> Sequence[Json]:
        return [as_map(p) for p in as_list(self.raw.get("ports"))]

    def port_numbers(self) -> set[int]:
        return {int(p["containerPort"]) for p in self.ports if isinstance(p.get("containerPort"), int)}

    def port_names(self) -> dict[str, int]:
        return {
            str(p["name"]): int(p["containerPort"])
            for p in self.ports
            if p.get("name") and isinstance(p.get("containerPort"), int)
        }

    @property
    def resources(self) -> Json:
        return as_map(self.raw.get("resources"))

    def probe(self, kind: str) -> Json:
        """`readinessProbe`, `livenessProbe` or `startupProbe` (kind without the suffix)."""
        return as_map(self.raw.get(f"{kind}Probe"))


def _statuses(raw: Any, init: bool) -> tuple[ContainerStatus, ...]:
    out = []
    for item in as_list(raw):
        if not isinstance(item, Mapping):
            continue
        out.append(
            ContainerStatus(
                name=str(item.get("name", "")),
                image=str(item.get("image", "")),
                ready=bool(item.get("ready")),
                started=bool(item.get("started")),
                restart_count=int(item.get("restartCount") or 0),
                state=ContainerState.parse(item.get("state")),
                last_state=ContainerState.parse(item.get("lastState")),
                init=init,
            )
        )
    return tuple(out)


class Pod(KubeObject):
    """A pod. What analyses read on every pass (phase, node, container statuses, plain health) is
    worked out once per view: a view's raw object never changes, and the monitor reuses the views of
    unchanged pods across analyses, so on a busy cluster only changed pods are looked at again."""

    __slots__ = ("_healthy", "_node", "_phase", "_statuses", "_troubled")

    def __init__(self, raw: Json, kind: str = "Pod", cluster: str = "") -> None:
        super().__init__(raw, kind, cluster)
        self._statuses: tuple[ContainerStatus, ...] | None = None
        self._phase: str | None = None
        self._node: str | None = None
        self._healthy: bool | None = None
        self._troubled: bool | None = None

    @property
    def phase(self) -> str:
        if self._phase is None:
            self._phase = str(self.status.get("phase") or "")
        return self._phase

    @property
    def plainly_healthy(self) -> bool:
        """The cheap check on the raw object (see state.cluster_state.plainly_healthy), once per view."""
        if self._healthy is None:
            self._healthy = plainly_healthy(self.raw)
        return self._healthy

    @property
    def troubled(self) -> bool:
        """Not plainly healthy: not Running+Ready, deleting, restarted, or with a waiting container
        (a Succeeded pod is not troubled). Once per view: a state lists its troubled pods on every
        analysis, and only changed pods are new views."""
        if self._troubled is None:
            self._troubled = self._is_troubled()
        return self._troubled

    def _is_troubled(self) -> bool:
        if self.plainly_healthy or self.phase == "Succeeded":
            return False
        if self.phase != "Running" or self.deletion_timestamp is not None or not self.is_ready:
            return True
        return any(_container_troubled(s) for s in self.container_statuses)

    @property
    def reason(self) -> str:
        """Pod-level status reason, e.g. `Evicted`, `NodeLost`."""
        return str(self.status.get("reason") or "")

    @property
    def node_name(self) -> str:
        if self._node is None:
            self._node = str(self.spec.get("nodeName") or "")
        return self._node

    @property
    def service_account(self) -> str:
        return str(self.spec.get("serviceAccountName") or self.spec.get("serviceAccount") or "default")

    @property
    def started_at(self) -> datetime | None:
        return parse_time(self.status.get("startTime"))

    def containers(self, include_init: bool = False) -> tuple[ContainerSpec, ...]:
        specs = []
        if include_init:
            for c in as_list(self.spec.get("initContainers")):
                m = as_map(c)
                specs.append(ContainerSpec(str(m.get("name", "")), str(m.get("image", "")), True, m))
        for c in as_list(self.spec.get("containers")):
            m = as_map(c)
            specs.append(ContainerSpec(str(m.get("name", "")), str(m.get("image", "")), False, m))
        return tuple(specs)

    def container(self, name: str) -> ContainerSpec | None:
        for spec in self.containers(include_init=True):
            if spec.name == name:
                return spec
        return None

    @property
    def container_statuses(self) -> tuple[ContainerStatus, ...]:
        """Init container statuses first, then app containers."""
        if self._statuses is None:
            status = self.status
            self._statuses = _statuses(status.get("initContainerStatuses"), True) + _statuses(
                status.get("containerStatuses"), False
            )
        return self._statuses

    @property
    def is_ready(self) -> bool:
        ready: bool = self.parsed_once("ready", lambda: self.condition_true("Ready"))
        return ready

    @property
    def is_finished(self) -> bool:
        return self.phase in ("Succeeded", "Failed")

    @property
    def volumes(self) -> Sequence[Json]:
        return [as_map(v) for v in as_list(self.spec.get("volumes"))]


def _container_troubled(status: ContainerStatus) -> bool:
    if status.state.state == "waiting":
        return True
    return status.restart_count > 0 and status.last_state.state == "terminated"


def plainly_healthy(raw: Mapping[str, object]) -> bool:
    """A cheap check on the raw object: Running, Ready, not deleting, every container running, ready and
    never restarted. True only when the full check would also say healthy."""
    status = raw.get("status")
    if type(status) is not dict or status.get("phase") != "Running":
        return False
    meta = raw.get("metadata")
    if type(meta) is dict and "deletionTimestamp" in meta:
        return False
    try:
        for cond in status.get("conditions") or ():
            if cond.get("type") == "Ready":
                if cond.get("status") != "True":
                    return False
                break
        else:
            return False
        for cs in status.get("containerStatuses") or ():
            if not cs.get("ready") or cs.get("restartCount") or "running" not in cs.get("state", ()):
                return False
    except (AttributeError, TypeError):  # malformed input: let the careful path look at it
        return False
    return True
