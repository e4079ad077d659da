"""A private-registry image pulled without imagePullSecrets."""

from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(
        world,
        "billing",
        "invoice-api",
        "registry.example.com/finance/invoice-api:4.0.2",
        behavior=Behavior(mode="pull-unauthorized"),
    )


SCENARIO = Scenario(
    "image-unauthorized",
    "invoice-api pulls from a private registry without credentials",
    "image-pull",
    "billing",
    "Deployment",
    "invoice-api",
    "ErrImagePull",
    plant,
)
