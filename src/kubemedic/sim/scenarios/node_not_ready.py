"""A worker node under memory and disk pressure stops being Ready."""

from kubemedic.sim.scenarios.base import Scenario
from kubemedic.sim.world import World

NODE = "kubemedic-worker2"


def plant(world: World) -> None:
    if world.find("Node", "", NODE) is not None:
        world.node_faults[NODE] = "MemoryPressure"


SCENARIO = Scenario(
    "node-not-ready",
    f"{NODE} is NotReady with MemoryPressure and DiskPressure",
    "node",
    "",
    "Node",
    NODE,
    "NotReady",
    plant,
)
