"""A rolling update to a crashing version stalls, old pods keep serving."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app, behave
from kubemedic.sim.world import World

LOGS = (
    "{ts} panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8b1c2d]",
    "goroutine 1 [running]:",
    "main.(*Server).loadRoutes(0x0)",
    "\t/src/server.go:88 +0x2d",
)


def plant(world: World) -> None:
    app(
        world,
        "web",
        "storefront",
        "ghcr.io/kubemedic/storefront:4.1.0",
        replicas=4,
        deploy={"progressDeadlineSeconds": 30},
    )
    world.after(4.0, _upgrade)


def _upgrade(world: World) -> None:
    entry = world.find("Deployment", "web", "storefront")
    if entry is None:
        return
    behave(
        world,
        "web",
        {"app": "storefront", "version": "4.2.0"},
        Behavior(mode="crash", exit_code=2, run_seconds=1.0, logs=LOGS),
    )
    obj = entry.copy()
    tpl = obj["spec"]["template"]
    tpl["metadata"]["labels"]["version"] = "4.2.0"
    tpl["spec"]["containers"] = [
        kit.container(
            "storefront",
            "ghcr.io/kubemedic/storefront:4.2.0",
            ports=(8080,),
            readiness=kit.http_probe("/ready", 8080, period=5),
        )
    ]
    world.registry.update(world.kind("Deployment"), "web", "storefront", obj)


SCENARIO = Scenario(
    "rollout-stuck",
    "storefront rollout to 4.2.0 stalls: new pods panic at start-up",
    "rollout",
    "web",
    "Deployment",
    "storefront",
    "ProgressDeadlineExceeded",
    plant,
)
