"""The kubelet's private view of the pods it runs: one record per pod and per container."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubemedic.sim.behavior import Behavior

Obj = dict[str, Any]


@dataclass
class ContainerRun:
    spec: Obj
    behavior: Behavior
    state: Obj = field(default_factory=lambda: {"waiting": {"reason": "ContainerCreating"}})
    last_state: Obj = field(default_factory=dict)
    restarts: int = 0
    ready: bool = False
    started: bool = False
    due: float = 0.0
    probe_due: float = 0.0
    log_due: float = 0.0
    pulls: int = 0


@dataclass
class PodRun:
    uid: str
    namespace: str
    name: str
    node: str
    ip: str
    containers: list[ContainerRun]
    created: float
    started: float | None = None
    terminal: bool = False
    deleting_at: float | None = None
