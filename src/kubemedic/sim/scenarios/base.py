"""What a scenario is, and the few helpers scenarios share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior, BehaviorRule
from kubemedic.sim.world import World

Obj = dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    """One planted fault.

    name: registry key (`--scenario NAME`).
    description: one line for `--list`.
    category: the finding category a diagnosis should report (see analyzers/categories.py).
    namespace, kind, object: where the fault lands, so tests can assert on it.
    reason: the status reason or event reason that shows the fault (e.g. CrashLoopBackOff).
    plant: creates the objects and registers container behaviour; runs `fault_delay` seconds after start.
    """

    name: str
    description: str
    category: str
    namespace: str
    kind: str
    object: str
    reason: str
    plant: Callable[[World], None] = field(repr=False, compare=False)


def ensure_namespace(world: World, name: str) -> None:
    world.ensure(kit.namespace(name))


def behave(
    world: World, namespace: str, labels: Mapping[str, str], behavior: Behavior, container: str | None = None
) -> None:
    world.behaviors.add(BehaviorRule(namespace, dict(labels), behavior, container))


def app(
    world: World,
    namespace: str,
    name: str,
    image: str,
    *,
    behavior: Behavior | None = None,
    replicas: int = 1,
    port: int | None = 8080,
    service: bool = True,
    container: Obj | None = None,
    pod: Obj | None = None,
    deploy: Obj | None = None,
) -> None:
    """A Deployment (and Service) named `name`, whose containers do what `behavior` says."""
    ensure_namespace(world, namespace)
    if behavior is not None:
        behave(world, namespace, {"app": name}, behavior)
    c = container or kit.container(name, image, ports=(port,) if port else ())
    spec = kit.pod_spec(c, **(pod or {}))
    world.ensure(kit.deployment(name, namespace, spec, replicas=replicas, **(deploy or {})))
    if service and port:
        world.ensure(kit.service(name, namespace, {"app": name}, 80, port))
