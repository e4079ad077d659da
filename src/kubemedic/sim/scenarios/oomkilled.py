"""A report worker whose heap grows past its 256Mi limit and is OOM-killed."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  report-worker starting, JVM options: -Xmx1g",
    "{ts} INFO  loading 2.1M invoice rows for monthly report",
    "{ts} WARN  GC overhead high: 87% of time spent in GC",
)


def plant(world: World) -> None:
    c = kit.container(
        "report-worker",
        "ghcr.io/kubemedic/report-worker:1.9.0",
        cpu="200m",
        memory="128Mi",
        limit_memory="256Mi",
    )
    app(
        world,
        "analytics",
        "report-worker",
        "",
        container=c,
        port=None,
        service=False,
        behavior=Behavior(mode="oom", run_seconds=3.0, logs=LOGS, memory_mib=250),
    )


SCENARIO = Scenario(
    "oomkilled",
    "report-worker is OOMKilled by its 256Mi memory limit",
    "oom",
    "analytics",
    "Deployment",
    "report-worker",
    "OOMKilled",
    plant,
)
