"""A Service whose selector has a typo, so it selects no pods."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(world, "shop", "checkout", "ghcr.io/kubemedic/checkout:3.0.0", service=False, replicas=2)
    world.ensure(kit.service("checkout", "shop", {"app": "check-out"}, 80, 8080))


SCENARIO = Scenario(
    "service-no-endpoints",
    "Service checkout selects app=check-out; the pods are app=checkout",
    "service",
    "shop",
    "Service",
    "checkout",
    "NoEndpoints",
    plant,
)
