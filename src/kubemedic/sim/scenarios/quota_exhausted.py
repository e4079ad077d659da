"""A namespace ResourceQuota too small for the deployment's replicas."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app, ensure_namespace
from kubemedic.sim.world import World


def plant(world: World) -> None:
    ensure_namespace(world, "reports")
    world.ensure(
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": {"name": "compute", "namespace": "reports"},
            "spec": {"hard": {"requests.cpu": "1", "requests.memory": "1Gi", "pods": "10"}},
        }
    )
    c = kit.container(
        "renderer", "ghcr.io/kubemedic/renderer:0.9.1", cpu="250m", memory="384Mi", ports=(8080,)
    )
    app(world, "reports", "renderer", "", container=c, replicas=4)


SCENARIO = Scenario(
    "quota-exhausted",
    "renderer wants 4x384Mi but ResourceQuota compute caps requests.memory at 1Gi",
    "quota",
    "reports",
    "ReplicaSet",
    "renderer",
    "FailedCreate",
    plant,
)
