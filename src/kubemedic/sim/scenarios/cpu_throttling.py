"""A CPU-bound image resizer: its CPU sits at its 200m limit, so the kernel throttles it and its
requests queue - a fault only the metrics show (every status is fine: Running, Ready, no restarts).
"""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  image-resizer ready, workers=8",
    "{ts} WARN  resize queue depth 412, p99 4.8s",
)


def plant(world: World) -> None:
    c = kit.container(
        "image-resizer",
        "ghcr.io/kubemedic/image-resizer:1.4.0",
        cpu="100m",
        memory="128Mi",
        limit_cpu="200m",
        limit_memory="256Mi",
        ports=(8080,),
    )
    app(
        world,
        "media",
        "image-resizer",
        "",
        container=c,
        replicas=2,
        behavior=Behavior(mode="run", logs=LOGS, cpu_millis=200, memory_mib=90, cpu_at_limit=True),
    )


SCENARIO = Scenario(
    "cpu-throttling",
    "image-resizer's CPU sits at its 200m limit: throttled, only the metrics show it",
    "anomaly",
    "media",
    "Deployment",
    "image-resizer",
    "CPUThrottling",
    plant,
)
