"""A payments API that exits at start-up because its config names a database URL it cannot parse."""

from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  payments-api 3.2.1 starting (pid 1)",
    "{ts} INFO  loading configuration from /etc/payments/config.yaml",
    '{ts} ERROR invalid configuration: database.url: parse "postgres//payments:5432/payments": '
    "missing protocol scheme",
    "{ts} FATAL shutting down: configuration error (exit code 1)",
)


def plant(world: World) -> None:
    app(
        world,
        "payments",
        "payments-api",
        "ghcr.io/kubemedic/payments-api:3.2.1",
        replicas=2,
        behavior=Behavior(mode="crash", exit_code=1, run_seconds=1.5, logs=LOGS),
    )


SCENARIO = Scenario(
    "crashloop-config",
    "payments-api crash-loops on an invalid database URL in its config",
    "crash-loop",
    "payments",
    "Deployment",
    "payments-api",
    "CrashLoopBackOff",
    plant,
)
