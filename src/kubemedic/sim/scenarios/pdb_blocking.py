"""A PodDisruptionBudget that allows zero disruptions, blocking drains and evictions."""

from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(world, "auth", "auth-server", "ghcr.io/kubemedic/auth-server:6.3.0", replicas=2)
    world.ensure(
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "auth-server", "namespace": "auth"},
            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "auth-server"}}},
        }
    )


SCENARIO = Scenario(
    "pdb-blocking",
    "auth-server PDB minAvailable=2 with 2 replicas allows no disruptions",
    "disruption-budget",
    "auth",
    "PodDisruptionBudget",
    "auth-server",
    "InsufficientPods",
    plant,
)
