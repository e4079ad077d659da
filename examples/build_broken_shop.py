"""Regenerate examples/broken-shop (everything but nodes.yaml and snapshot.yaml) from the test factory.

    .venv/bin/python examples/build_broken_shop.py

The objects are shaped exactly as an API server returns them. What is broken:
- postgres-0 crash-loops: its data directory has the wrong owner (the ROOT CAUSE of the api outage);
- api (2 replicas) crash-loops on "connection refused" to postgres:5432;
- worker cannot pull its image (tag not found); checkout misses ConfigMap checkout-config;
- report-generator is Pending (requests 64Gi of memory); cache (redis) is OOMKilled at 128Mi;
- Service payments selects no pod; Job db-migrate hit its backoff limit;
- ConfigMap old-feature-flags is used by nothing (info). web is healthy and uses web-env via envFrom.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factory import (
    configmap,
    container,
    cstatus,
    daemonset,
    deployment_with_pods,
    endpoints,
    env_from_configmap_key,
    event,
    http_probe,
    ingress,
    ingress_class,
    job,
    job_failed,
    namespace,
    pod,
    secret,
    service,
    service_account,
    statefulset,
    terminated,
    waiting,
)  # fmt: skip

OUT = Path(__file__).resolve().parent / "broken-shop"
NS = "shop"


def kube_system() -> list[dict[str, object]]:
    dns = deployment_with_pods(
        "coredns",
        "kube-system",
        containers=[container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3", ports=[53])],
    )
    ms = deployment_with_pods(
        "metrics-server",
        "kube-system",
        replicas=1,
        containers=[
            container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2", ports=[10250])
        ],
    )
    proxy = daemonset("kube-proxy", "kube-system", desired=3)
    cni = daemonset("kindnet", "kube-system", desired=3)
    proxy_pods = [
        pod(
            f"kube-proxy-{s}",
            "kube-system",
            owner=proxy,
            node=n,
            labels={"app": "kube-proxy"},
            containers=[container("kube-proxy", "registry.k8s.io/kube-proxy:v1.32.4")],
        )
        for s, n in (("4xq2n", "cp-1"), ("8kd9w", "worker-1"), ("m2p7z", "worker-2"))
    ]
    cni_pods = [
        pod(
            f"kindnet-{s}",
            "kube-system",
            owner=cni,
            node=n,
            labels={"app": "kindnet"},
            containers=[container("kindnet-cni", "docker.io/kindest/kindnetd:v20241108")],
        )
        for s, n in (("b5k7d", "cp-1"), ("t9v3c", "worker-1"), ("q6r8h", "worker-2"))
    ]
    kube_dns = service("kube-dns", "kube-system", selector={"app": "coredns"}, ports=[(53, 53)])
    return [
        namespace("kube-system"),
        *dns,
        *ms,
        proxy,
        cni,
        *proxy_pods,
        *cni_pods,
        kube_dns,
        endpoints(kube_dns, ["10.244.1.2", "10.244.2.2"], port=53),
    ]


def shop() -> list[dict[str, object]]:
    objs: list[dict[str, object]] = [namespace(NS), service_account("default", NS)]
    # postgres: the root cause
    pg = statefulset(
        "postgres",
        NS,
        ready=0,
        containers=[container("postgres", "docker.io/library/postgres:16.4", ports=[5432])],
    )
    pg_status = cstatus(
        "postgres",
        image="docker.io/library/postgres:16.4",
        ready=False,
        restarts=14,
        state=waiting(
            "CrashLoopBackOff", "back-off 5m0s restarting failed container=postgres pod=postgres-0_shop"
        ),
        last_state=terminated("Error", 1, ago=95, ran_for=2),
    )
    pg_pod = pod(
        "postgres-0",
        NS,
        owner=pg,
        labels={"app": "postgres"},
        statuses=[pg_status],
        node="worker-1",
        containers=pg["spec"]["template"]["spec"]["containers"],
    )
    pg_svc = service("postgres", NS, selector={"app": "postgres"}, ports=[(5432, 5432)])
    pg_svc["spec"]["clusterIP"] = "10.96.45.10"
    objs += [
        pg,
        pg_pod,
        pg_svc,
        endpoints(pg_svc, [], ["10.244.1.31"], port=5432),
        event(
            pg_pod,
            "BackOff",
            "Back-off restarting failed container postgres in pod postgres-0_shop(6a1c)",
            count=58,
            field_path="spec.containers{postgres}",
            ago=20,
            first_ago=3600,
        ),
    ]
    # api: crashes because postgres is down
    api_c = container(
        "api",
        "registry.example.com/shop/api:2.3.1",
        ports=[8080],
        readiness=http_probe(8080, "/ready"),
        env=[{"name": "DATABASE_HOST", "value": "postgres"}, {"name": "DATABASE_PORT", "value": "5432"}],
    )
    api_status = cstatus(
        "api",
        image="registry.example.com/shop/api:2.3.1",
        ready=False,
        restarts=9,
        state=waiting("CrashLoopBackOff", "back-off 2m40s restarting failed container=api"),
        last_state=terminated("Error", 1, ago=70, ran_for=3),
    )
    api = deployment_with_pods(
        "api", NS, replicas=2, ready=0, containers=[api_c], pod_kw={"statuses": [api_status], "ready": False}
    )
    objs += api
    for p in api[2:]:
        objs.append(
            event(
                p,
                "BackOff",
                "Back-off restarting failed container api in pod",
                count=41,
                field_path="spec.containers{api}",
                ago=15,
                first_ago=3500,
            )
        )
    api_svc = service("api", NS, selector={"app": "api"}, ports=[(80, 8080)])
    objs += [api_svc, endpoints(api_svc, [], ["10.244.1.40", "10.244.2.41"])]
    # web: healthy, config via envFrom
    web_c = container(
        "web",
        "registry.example.com/shop/web:5.0.2",
        ports=[8080],
        env_from=[{"configMapRef": {"name": "web-env"}}],
        readiness=http_probe(8080),
    )
    objs += deployment_with_pods("web", NS, replicas=2, containers=[web_c])
    web_svc = service("web", NS, selector={"app": "web"}, ports=[(80, 8080)])
    objs += [
        web_svc,
        endpoints(web_svc, ["10.244.1.50", "10.244.2.51"]),
        configmap("web-env", NS, {"API_URL": "http://api"}),
        ingress_class("nginx"),
        ingress("shop", NS, backend=("web", 80), host="shop.example.com"),
    ]
    # worker: image tag does not exist
    image = "registry.example.com/shop/worker:3.9.9"
    w_status = cstatus(
        "worker",
        image=image,
        ready=False,
        state=waiting("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    worker = deployment_with_pods(
        "worker",
        NS,
        replicas=1,
        ready=0,
        containers=[container("worker", image)],
        pod_kw={"statuses": [w_status], "ready": False, "age": 1800},
    )
    objs += worker
    objs.append(
        event(
            worker[2],
            "Failed",
            f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
            f'"{image}": failed to resolve reference "{image}": {image}: not found',
            count=7,
            field_path="spec.containers{worker}",
            ago=40,
            first_ago=1790,
        )
    )
    # checkout: missing ConfigMap
    co_c = container(
        "checkout",
        "registry.example.com/shop/checkout:1.8.0",
        ports=[8080],
        env=[env_from_configmap_key("PAYMENT_URL", "checkout-config", "payment_url")],
    )
    co_status = cstatus(
        "checkout",
        image="registry.example.com/shop/checkout:1.8.0",
        ready=False,
        state=waiting("CreateContainerConfigError", 'configmap "checkout-config" not found'),
    )
    checkout = deployment_with_pods(
        "checkout",
        NS,
        replicas=1,
        ready=0,
        containers=[co_c],
        pod_kw={"statuses": [co_status], "ready": False, "age": 900},
    )
    objs += checkout
    objs.append(
        event(
            checkout[2],
            "Failed",
            'Error: configmap "checkout-config" not found',
            count=45,
            field_path="spec.containers{checkout}",
            ago=10,
            first_ago=890,
        )
    )
    # report-generator: cannot be scheduled
    rg = pod(
        "report-generator",
        NS,
        phase="Pending",
        node=None,
        statuses=[],
        age=600,
        containers=[
            container(
                "report", "registry.example.com/shop/reports:0.9.1", requests={"cpu": "1", "memory": "64Gi"}
            )
        ],
    )
    objs += [
        rg,
        event(
            rg,
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
            "2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
            "scheduling, 2 No preemption victims found for incoming pod.",
            count=11,
            ago=60,
            first_ago=600,
            component="default-scheduler",
        ),
    ]
    # cache: OOMKilled
    cache_c = container(
        "redis",
        "docker.io/library/redis:7.4",
        ports=[6379],
        requests={"memory": "64Mi"},
        limits={"memory": "128Mi"},
    )
    cache_status = cstatus(
        "redis",
        image="docker.io/library/redis:7.4",
        ready=False,
        restarts=5,
        state=waiting("CrashLoopBackOff", "back-off 1m20s restarting failed container=redis"),
        last_state=terminated("OOMKilled", 137, ago=50, ran_for=240),
    )
    cache = deployment_with_pods(
        "cache",
        NS,
        replicas=1,
        ready=0,
        containers=[cache_c],
        pod_kw={"statuses": [cache_status], "ready": False},
    )
    objs += cache
    objs.append(
        event(
            cache[2],
            "BackOff",
            "Back-off restarting failed container redis in pod",
            count=12,
            field_path="spec.containers{redis}",
            ago=25,
            first_ago=3000,
        )
    )
    # payments: Service selecting nothing
    objs.append(service("payments", NS, selector={"app": "payments-api"}, ports=[(80, 8080)]))
    # db-migrate: failed Job
    mig = job(
        "db-migrate",
        NS,
        failed=7,
        backoff_limit=6,
        conditions=job_failed(),
        containers=[container("migrate", "registry.example.com/shop/migrate:2.3.1")],
        age=7200,
    )
    mig_pod = pod(
        "db-migrate-x7k2p",
        NS,
        owner=mig,
        phase="Failed",
        labels={"job-name": "db-migrate"},
        age=5400,
        containers=mig["spec"]["template"]["spec"]["containers"],
        statuses=[
            cstatus(
                "migrate",
                image="registry.example.com/shop/migrate:2.3.1",
                ready=False,
                state=terminated("Error", 1, ago=5300),
            )
        ],
    )
    objs += [
        mig,
        mig_pod,
        event(
            mig,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            ago=5300,
            component="job-controller",
        ),
    ]
    # config
    objs += [
        configmap("old-feature-flags", NS, {"new_checkout": "false"}, age=40 * 86400),
        secret("api-db-credentials", NS, keys=["username", "password"]),
    ]
    api[0]["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {
            "name": "DATABASE_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "api-db-credentials", "key": "password"}},
        }
    )
    return objs


LOGS = {
    ("postgres-0", "postgres", True): (
        'The files belonging to this database system will be owned by user "postgres".\n'
        "2026-11-24 11:58:25.117 UTC [1] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu\n"
        '2026-11-24 11:58:25.118 UTC [1] FATAL:  data directory "/var/lib/postgresql/data/pgdata" has wrong ownership\n'
        "2026-11-24 11:58:25.118 UTC [1] HINT:  The server must be started by the user that owns the data directory.\n"
    ),
    ("cache-7d9f8b6c5-x2k9p", "redis", True): (
        "1:C 24 Nov 2026 11:55:01.003 * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started\n"
        "1:M 24 Nov 2026 11:55:01.004 * Server initialized\n"
        "1:M 24 Nov 2026 11:58:58.511 * DB loaded from disk: 3.871 seconds\n"
    ),
}


def api_logs() -> str:
    return (
        "2026-11-24T11:58:49.002Z INFO  api starting version=2.3.1\n"
        "2026-11-24T11:58:49.010Z INFO  connecting to database host=postgres port=5432\n"
        "2026-11-24T11:58:50.014Z ERROR db: dial tcp 10.96.45.10:5432: connect: connection refused\n"
        "2026-11-24T11:58:50.015Z FATAL could not connect to database postgres:5432 after 3 attempts: "
        "dial tcp 10.96.45.10:5432: connect: connection refused\n"
    )


def main() -> None:
    ks, sh = kube_system(), shop()
    (OUT / "kube-system.yaml").write_text(yaml.safe_dump_all(ks, sort_keys=False))  # multi-document YAML
    events = [o for o in sh if o["kind"] == "Event"]
    rest = [o for o in sh if o["kind"] != "Event"]
    list_doc = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": rest}
    (OUT / "shop.yaml").write_text(yaml.safe_dump(list_doc, sort_keys=False))  # a kind: List
    ev_doc = {"apiVersion": "v1", "kind": "EventList", "metadata": {"resourceVersion": ""}, "items": events}
    (OUT / "events.json").write_bytes(orjson.dumps(ev_doc, option=orjson.OPT_INDENT_2))  # JSON
    logs = dict(LOGS)
    for o in rest:
        if o["kind"] == "Pod" and o["metadata"]["name"].startswith("api-"):
            logs[(o["metadata"]["name"], "api", True)] = api_logs()
    for (pod_name, cont, previous), text in logs.items():
        path = OUT / "logs" / NS / pod_name / f"{cont}{'.previous' if previous else ''}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


if __name__ == "__main__":
    main()
