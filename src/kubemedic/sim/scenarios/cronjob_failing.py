"""A nightly backup CronJob whose jobs fail because the bucket credentials expired."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, behave, ensure_namespace
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  backup: dumping database inventory (3 tables)",
    "{ts} INFO  backup: uploading 412MB to s3://kubemedic-backups/inventory/",
    "{ts} ERROR upload failed: ExpiredToken: The provided token has expired. status code: 400",
)


def plant(world: World) -> None:
    ensure_namespace(world, "backup")
    behave(
        world, "backup", {"app": "db-backup"}, Behavior(mode="fail", exit_code=2, run_seconds=1.0, logs=LOGS)
    )
    c = kit.container("backup", "ghcr.io/kubemedic/db-backup:1.0.4")
    template = {
        "metadata": {"labels": {"app": "db-backup"}},
        "spec": {**kit.pod_spec(c), "restartPolicy": "Never"},
    }
    world.ensure(
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": "db-backup", "namespace": "backup"},
            "spec": {
                "schedule": "* * * * *",
                "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {"backoffLimit": 1, "template": template}},
            },
        }
    )
    first = kit.job("db-backup-manual", "backup", kit.pod_spec(c), backoff_limit=1)
    first["spec"]["template"]["metadata"] = {"labels": {"app": "db-backup"}}
    world.ensure(first)


SCENARIO = Scenario(
    "cronjob-failing",
    "db-backup CronJob's jobs fail: storage credentials expired",
    "job",
    "backup",
    "CronJob",
    "db-backup",
    "BackoffLimitExceeded",
    plant,
)
