"""A session cache that leaks: its memory climbs steadily to its 256Mi limit, it is OOM-killed,
restarts, and climbs again - a failure the metrics show coming well before the kill.

The pace is fast so a test can watch a whole cycle: memory holds steady for LEAK_AFTER seconds after
each start, then climbs to the limit, reached RUN_SECONDS after the start. `plant_leak` plants the
same fault with another pace.
"""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LEAK_AFTER = 25.0
RUN_SECONDS = 50.0
LOGS = (
    "{ts} INFO  session-cache starting, max entries: unbounded",
    "{ts} INFO  listening on :8080",
)


def plant_leak(world: World, *, leak_after: float = LEAK_AFTER, run_seconds: float = RUN_SECONDS) -> None:
    """The leaking Deployment `shop/session-cache` (steady for `leak_after` s, OOM at `run_seconds`)."""
    if not 0 <= leak_after < run_seconds:
        raise ValueError(f"leak_after ({leak_after}) must be >= 0 and below run_seconds ({run_seconds})")
    c = kit.container(
        "session-cache",
        "ghcr.io/kubemedic/session-cache:2.3.1",
        cpu="100m",
        memory="64Mi",
        limit_memory="256Mi",
        ports=(8080,),
    )
    app(
        world,
        "shop",
        "session-cache",
        "",
        container=c,
        behavior=Behavior(
            mode="oom", run_seconds=run_seconds, logs=LOGS, memory_mib=80, leak_after=leak_after
        ),
    )


def plant(world: World) -> None:
    plant_leak(world)


SCENARIO = Scenario(
    "memory-leak",
    "session-cache's memory climbs to its 256Mi limit and it is OOMKilled, again and again",
    "oom",
    "shop",
    "Deployment",
    "session-cache",
    "OOMKilled",
    plant,
)
