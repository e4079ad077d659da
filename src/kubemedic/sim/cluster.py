"""The healthy background every simulated cluster starts with: nodes, system workloads, a shop app."""

from __future__ import annotations

from typing import Any

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior, BehaviorRule
from kubemedic.sim.world import World

Obj = dict[str, Any]

CONTROL_PLANE = "kubemedic-control-plane"
K8S_VERSION = "v1.32.4"
NODE_AGE_S = 21 * 86400  # nodes joined weeks before the sim starts, like a real cluster's


def node(name: str, index: int, *, control_plane: bool = False, cpu: str = "4", memory: str = "8Gi") -> Obj:
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
    }
    spec: Obj = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"kind://docker/kubemedic/{name}",
    }
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    mem_ki = {"8Gi": "8152344Ki", "16Gi": "16305200Ki"}.get(memory, memory)
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": kit.meta(
            name,
            labels=labels,
            annotations={
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        ),
        "spec": spec,
        "status": {
            "capacity": {"cpu": cpu, "memory": mem_ki, "pods": "110", "ephemeral-storage": "102626232Ki"},
            "allocatable": {"cpu": cpu, "memory": mem_ki, "pods": "110", "ephemeral-storage": "102626232Ki"},
            "conditions": [],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "kubeletVersion": K8S_VERSION,
                "kubeProxyVersion": K8S_VERSION,
                "containerRuntimeVersion": "containerd://1.7.24",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.8.0-51-generic",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "machineID": f"{index:032x}",
                "systemUUID": f"{index:08x}-0000-0000-0000-000000000000",
                "bootID": f"{index:08x}-b007-0000-0000-000000000000",
            },
        },
    }


def _aged(obj: Obj, stamp: str) -> Obj:
    obj["metadata"]["creationTimestamp"] = stamp
    return obj


def _static_pod(name: str, image: str, cpu: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": kit.meta(
            f"{name}-{CONTROL_PLANE}",
            "kube-system",
            {"component": name, "tier": "control-plane"},
            {"kubernetes.io/config.source": "file"},
        ),
        "spec": {
            "nodeName": CONTROL_PLANE,
            "hostNetwork": True,
            "priorityClassName": "system-node-critical",
            "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
            "containers": [kit.container(name, image, cpu=cpu, memory=None)],
        },
    }


def _system(world: World) -> None:
    reg = f"registry.k8s.io/{{}}:{K8S_VERSION}"
    for name, cpu in (
        ("kube-apiserver", "250m"),
        ("kube-controller-manager", "200m"),
        ("kube-scheduler", "100m"),
    ):
        world.ensure(_static_pod(name, reg.format(name), cpu))
    world.ensure(_static_pod("etcd", "registry.k8s.io/etcd:3.5.16-0", "100m"))
    tol_cp = [
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
        {"key": "CriticalAddonsOnly", "operator": "Exists"},
    ]
    dns = kit.pod_spec(
        kit.container(
            "coredns",
            "registry.k8s.io/coredns/coredns:v1.11.3",
            cpu="100m",
            memory="70Mi",
            limit_memory="170Mi",
            ports=(53, 9153),
            port_names=("dns", "metrics"),
            readiness=kit.http_probe("/ready", 8181),
            liveness=kit.http_probe("/health", 8080),
        ),
        tolerations=tol_cp,
        priorityClassName="system-cluster-critical",
    )
    world.ensure(kit.deployment("coredns", "kube-system", dns, replicas=2, labels={"k8s-app": "kube-dns"}))
    world.ensure(
        {
            **kit.service("kube-dns", "kube-system", {"k8s-app": "kube-dns"}, 53),
            "metadata": kit.meta("kube-dns", "kube-system", {"k8s-app": "kube-dns"}),
        }
    )
    ms = kit.pod_spec(
        kit.container(
            "metrics-server",
            "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            cpu="100m",
            memory="200Mi",
            ports=(10250,),
            port_names=("https",),
        ),
        priorityClassName="system-cluster-critical",
    )
    world.ensure(kit.deployment("metrics-server", "kube-system", ms, labels={"k8s-app": "metrics-server"}))
    everywhere = [{"operator": "Exists"}]
    proxy = kit.pod_spec(
        kit.container("kube-proxy", f"registry.k8s.io/kube-proxy:{K8S_VERSION}", cpu=None, memory=None),
        hostNetwork=True,
        tolerations=everywhere,
        priorityClassName="system-node-critical",
    )
    world.ensure(kit.daemonset("kube-proxy", "kube-system", proxy, {"k8s-app": "kube-proxy"}))
    cni = kit.pod_spec(
        kit.container(
            "kindnet-cni",
            "docker.io/kindest/kindnetd:v20241108-5c6d2daf",
            cpu="100m",
            memory="50Mi",
            limit_memory="50Mi",
            limit_cpu="100m",
        ),
        hostNetwork=True,
        tolerations=everywhere,
    )
    world.ensure(kit.daemonset("kindnet", "kube-system", cni, {"app": "kindnet"}))
    world.ensure(
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": kit.meta(
                "standard", annotations={"storageclass.kubernetes.io/is-default-class": "true"}
            ),
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
        }
    )
    world.ensure(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": kit.meta("nginx"),
            "spec": {"controller": "k8s.io/ingress-nginx"},
        }
    )
    world.ensure(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": kit.meta(
                "kubernetes", "default", {"component": "apiserver", "provider": "kubernetes"}
            ),
            "spec": {
                "type": "ClusterIP",
                "clusterIP": "10.96.0.1",
                "ports": [{"name": "https", "port": 443, "targetPort": 6443, "protocol": "TCP"}],
            },
        }
    )
    world.ensure(
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": kit.meta(
                "kubernetes", "default", {"endpointslice.kubernetes.io/skip-mirror": "true"}
            ),
            "subsets": [
                {
                    "addresses": [{"ip": "172.18.0.2"}],
                    "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
                }
            ],
        }
    )
    quiet = Behavior(cpu_millis=3, memory_mib=18)
    for name in ("kube-proxy", "kindnet", "kube-dns", "metrics-server"):
        key = "app" if name == "kindnet" else "k8s-app"
        world.behaviors.add(BehaviorRule("kube-system", {key: name}, quiet))


def _shop(world: World) -> None:
    world.ensure(kit.namespace("shop"))
    web_logs = ("{ts} INFO  starting nginx 1.27.3", "{ts} INFO  listening on 0.0.0.0:8080")
    world.behaviors.add(
        BehaviorRule("shop", {"app": "frontend"}, Behavior(logs=web_logs, cpu_millis=12, memory_mib=48))
    )
    front = kit.pod_spec(
        kit.container(
            "frontend",
            "ghcr.io/kubemedic/shop-frontend:1.8.2",
            cpu="100m",
            memory="128Mi",
            limit_memory="256Mi",
            ports=(8080,),
            port_names=("http",),
            readiness=kit.http_probe("/healthz", "http"),
        )
    )
    world.ensure(kit.deployment("frontend", "shop", front, replicas=2))
    world.ensure(kit.service("frontend", "shop", {"app": "frontend"}, 80, "http"))
    cat_logs = (
        '{ts} level=info msg="catalog service starting" version=2.4.0',
        '{ts} level=info msg="loaded 1204 products from cache"',
        '{ts} level=info msg="http server listening" addr=:9090',
    )
    world.behaviors.add(
        BehaviorRule("shop", {"app": "catalog"}, Behavior(logs=cat_logs, cpu_millis=20, memory_mib=90))
    )
    cat = kit.pod_spec(
        kit.container(
            "catalog",
            "ghcr.io/kubemedic/shop-catalog:2.4.0",
            cpu="150m",
            memory="192Mi",
            limit_memory="384Mi",
            ports=(9090,),
            readiness=kit.http_probe("/ready", 9090),
        )
    )
    world.ensure(kit.deployment("catalog", "shop", cat, replicas=2))
    world.ensure(kit.service("catalog", "shop", {"app": "catalog"}, 9090))
    world.ensure(
        kit.deployment(
            "web",
            "default",
            kit.pod_spec(kit.container("nginx", "nginx:1.27.3", cpu="50m", memory="64Mi", ports=(80,))),
            replicas=1,
        )
    )


def bootstrap(world: World) -> None:
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        world.ensure(kit.namespace(ns))
    weeks_ago = world.clock.stamp(-NODE_AGE_S)
    world.ensure(_aged(node(CONTROL_PLANE, 0, control_plane=True), weeks_ago))
    for i in range(world.config.nodes):
        world.ensure(_aged(node(f"kubemedic-worker{'' if i == 0 else i + 1}", i + 1), weeks_ago))
    _system(world)
    _shop(world)
