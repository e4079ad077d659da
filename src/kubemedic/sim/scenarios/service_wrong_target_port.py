"""A Service forwarding to a port the pods do not expose."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(world, "shop", "cart", "ghcr.io/kubemedic/cart:1.4.0", port=8080, service=False, replicas=2)
    world.ensure(kit.service("cart", "shop", {"app": "cart"}, 80, 9000))


SCENARIO = Scenario(
    "service-wrong-target-port",
    "Service cart targets port 9000; cart containers expose 8080",
    "service",
    "shop",
    "Service",
    "cart",
    "TargetPortMismatch",
    plant,
)
