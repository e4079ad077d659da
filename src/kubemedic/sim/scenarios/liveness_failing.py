"""A liveness probe that times out under load, so the kubelet keeps restarting a healthy-looking app."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  gateway starting worker pool size=4",
    "{ts} WARN  request queue depth 512 exceeds threshold 256",
    "{ts} WARN  /livez handler blocked behind request queue for 4.8s",
)


def plant(world: World) -> None:
    c = kit.container(
        "gateway",
        "ghcr.io/kubemedic/gateway:1.12.0",
        ports=(8080,),
        liveness=kit.http_probe("/livez", 8080, period=5),
    )
    app(
        world,
        "edge",
        "gateway",
        "",
        container=c,
        behavior=Behavior(liveness="fail", probe_error="status", run_seconds=4.0, logs=LOGS),
    )


SCENARIO = Scenario(
    "liveness-failing",
    "gateway fails its liveness probe (HTTP 503) and is restarted repeatedly",
    "probe",
    "edge",
    "Deployment",
    "gateway",
    "Unhealthy",
    plant,
)
