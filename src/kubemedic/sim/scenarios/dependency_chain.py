"""The api cannot reach postgres because postgres crash-loops on its data directory permissions."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app, behave, ensure_namespace
from kubemedic.sim.world import World

PG_LOGS = (
    "{ts} UTC [1] LOG:  starting PostgreSQL 16.6 on x86_64-pc-linux-gnu",
    '{ts} UTC [1] FATAL:  data directory "/var/lib/postgresql/data/pgdata" has wrong ownership',
    "{ts} UTC [1] HINT:  The server must be started by the user that owns the data directory.",
)
API_LOGS = (
    "{ts} INFO  orders-api 2.7.0 starting",
    "{ts} INFO  connecting to database postgres:5432",
)
API_PERIODIC = (
    "{ts} ERROR database ping failed: dial tcp 10.96.0.50:5432: connect: connection refused",
    "{ts} ERROR GET /api/orders 503: failed to connect to `host=postgres user=orders database=orders`: "
    "dial error (dial tcp 10.96.0.50:5432: connect: connection refused)",
)


def plant(world: World) -> None:
    ensure_namespace(world, "store")
    behave(
        world,
        "store",
        {"app": "postgres"},
        Behavior(mode="crash", exit_code=1, run_seconds=1.0, logs=PG_LOGS),
    )
    pg = kit.container(
        "postgres",
        "postgres:16.6",
        cpu="250m",
        memory="256Mi",
        ports=(5432,),
        mounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
    )
    world.ensure(
        kit.statefulset("postgres", "store", kit.pod_spec(pg, volumes=[{"name": "data", "emptyDir": {}}]))
    )
    world.ensure(kit.service("postgres", "store", {"app": "postgres"}, 5432))
    api = kit.container(
        "orders-api",
        "ghcr.io/kubemedic/orders-api:2.7.0",
        ports=(8080,),
        readiness=kit.http_probe("/ready", 8080, period=5),
        env=[{"name": "DATABASE_URL", "value": "postgres://orders@postgres:5432/orders"}],
    )
    app(
        world,
        "store",
        "orders-api",
        "",
        container=api,
        replicas=2,
        behavior=Behavior(readiness="fail", probe_error="status", logs=API_LOGS, periodic_logs=API_PERIODIC),
    )


SCENARIO = Scenario(
    "dependency-chain",
    "orders-api cannot reach postgres:5432; postgres crash-loops on data directory ownership",
    "connectivity",
    "store",
    "StatefulSet",
    "postgres",
    "CrashLoopBackOff",
    plant,
)
