"""Config references, storage and unused objects: failing objects and healthy look-alikes."""

from __future__ import annotations

from kubemedic.analyzers.config import references, storage, unused
from kubemedic.domain import Severity
from tests.factory import (
    configmap,
    container,
    cronjob,
    deployment_with_pods,
    env_from_configmap_key,
    env_from_secret_key,
    event,
    pod,
    pvc,
    secret,
    service_account,
    state,
    storage_class,
)


def _app(env: list[dict[str, object]]) -> list[dict[str, object]]:
    return deployment_with_pods("api", "shop", containers=[container(env=env)])


def test_missing_configmap_key_and_wrong_kind() -> None:
    objs = _app(
        [
            env_from_configmap_key("A", "absent", "x"),
            env_from_configmap_key("B", "settings", "missing_key"),
            env_from_secret_key("C", "db-creds", "password"),
        ]
    )
    s = state(
        objs,
        configmap("settings", "shop", {"present": "1"}),
        configmap("db-creds", "shop"),
        secret("x", "shop"),
    )
    titles = {f.title: f for f in references.analyze(s)}
    assert set(titles) == {
        "ConfigMap absent does not exist",
        "ConfigMap settings has no key missing_key",
        "Secret db-creds does not exist",
    }
    assert "A ConfigMap named db-creds exists" in titles["Secret db-creds does not exist"].root_cause
    assert all(f.object.kind == "Deployment" for f in titles.values())


def test_optional_and_present_references_are_quiet() -> None:
    objs = _app(
        [env_from_configmap_key("A", "absent", "x", optional=True), env_from_configmap_key("B", "s", "k")]
    )
    assert list(references.analyze(state(objs, configmap("s", "shop", {"k": "v"})))) == []


def test_pvc_with_missing_storage_class_and_provisioning_failure() -> None:
    bad = pvc("data", "shop", phase="Pending", storage_class="fast-ssd")
    failing = pvc("logs", "shop", phase="Pending")
    ev = event(failing, "ProvisioningFailed", "failed to provision volume: quota exceeded", component="ebs")
    found = {f.object.name: f for f in storage.analyze(state(bad, failing, ev, storage_class("standard")))}
    assert found["data"].title == "StorageClass fast-ssd does not exist"
    assert found["logs"].title == "provisioning fails" and "quota exceeded" in found["logs"].evidence[0].text


def test_wait_for_first_consumer_without_pod_is_quiet() -> None:
    claim = pvc("later", "shop", phase="Pending", age=86_400)
    assert list(storage.analyze(state(claim, storage_class("standard")))) == []


def test_unused_configmap_is_info_and_used_ones_are_quiet() -> None:
    web = deployment_with_pods(
        "web", "shop", containers=[container(env_from=[{"configMapRef": {"name": "web-env"}}])]
    )
    job = cronjob(
        "report", "shop", containers=[container(env=[env_from_configmap_key("X", "cron-cfg", "k")])]
    )
    sa = service_account("robot", "shop")
    sa["imagePullSecrets"] = [{"name": "regcred"}]
    s = state(
        web,
        job,
        sa,
        configmap("web-env", "shop"),
        configmap("cron-cfg", "shop"),
        secret("regcred", "shop"),
        configmap("stale", "shop"),
        configmap("kube-root-ca.crt", "shop"),
        configmap("new", "shop", age=60),
        pod("bare", "shop"),
    )
    found = list(unused.analyze(s))
    assert [(f.object.name, f.severity) for f in found] == [("stale", Severity.INFO)]


def test_secret_references_are_not_judged_when_the_snapshot_has_no_secrets() -> None:
    objs = _app([env_from_secret_key("C", "db-creds", "password")])
    assert list(references.analyze(state(objs))) == []
