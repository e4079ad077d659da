"""A GPU job selecting a node label no node carries."""

from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(
        world,
        "ml",
        "trainer",
        "ghcr.io/kubemedic/trainer:2.1.0",
        port=None,
        service=False,
        pod={"nodeSelector": {"accelerator": "nvidia-tesla-t4"}},
    )


SCENARIO = Scenario(
    "pending-node-selector",
    "trainer's nodeSelector accelerator=nvidia-tesla-t4 matches no node",
    "scheduling",
    "ml",
    "Deployment",
    "trainer",
    "FailedScheduling",
    plant,
)
