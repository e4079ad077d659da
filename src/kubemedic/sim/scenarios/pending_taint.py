"""A workload pinned to the control-plane node without tolerating its taint."""

from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(
        world,
        "ops",
        "log-shipper",
        "fluent/fluent-bit:3.2.2",
        port=2020,
        pod={"nodeSelector": {"node-role.kubernetes.io/control-plane": ""}},
    )


SCENARIO = Scenario(
    "pending-taint",
    "log-shipper targets the control-plane node but does not tolerate its taint",
    "scheduling",
    "ops",
    "Deployment",
    "log-shipper",
    "FailedScheduling",
    plant,
)
