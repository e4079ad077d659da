"""A model server asking for more memory than any node has free."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    c = kit.container(
        "model-server", "ghcr.io/kubemedic/model-server:0.14.0", cpu="1", memory="24Gi", ports=(8501,)
    )
    app(world, "ml", "model-server", "", container=c, port=8501, replicas=1)


SCENARIO = Scenario(
    "pending-resources",
    "model-server requests 24Gi memory; no node can fit it",
    "scheduling",
    "ml",
    "Deployment",
    "model-server",
    "FailedScheduling",
    plant,
)
