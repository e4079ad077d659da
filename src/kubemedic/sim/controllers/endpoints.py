"""Endpoints and EndpointSlices for each Service, from the ready pods its selector matches."""

from __future__ import annotations

import zlib

from kubemedic.sim.controllers.base import Context, Feed, Obj, is_pod_ready
from kubemedic.sim.controllers.kubelet_messages import resolve_port
from kubemedic.sim.registry import owner_reference
from kubemedic.sim.store import DELETED, Entry


def _target_port(svc_port: Obj, pod: Obj) -> int | None:
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    for c in (pod.get("spec") or {}).get("containers") or []:
        resolved = resolve_port(target, c)
        if isinstance(resolved, int):
            return resolved
    return None


class EndpointsController:
    def __init__(self, ctx: Context) -> None:
        self.world = ctx.world
        self.pods = Feed(ctx.world, "/pods")
        self.services = Feed(ctx.world, "/services")
        self.pending: set[str] = set()

    def step(self, now: float) -> None:
        del now
        for change in self.services.drain():
            if change.type == DELETED:
                self.world.store.remove("/endpoints", change.entry.namespace, change.entry.name)
                for s in self._slices(change.entry.namespace, change.entry.name):
                    self.world.store.remove("discovery.k8s.io/endpointslices", s.namespace, s.name)
            self.pending.add(change.entry.namespace)
        for change in self.pods.drain():
            self.pending.add(change.entry.namespace)
        namespaces, self.pending = self.pending, set()
        for ns in sorted(namespaces):
            services = [
                s
                for s in self.world.store.items("/services", ns)
                if (s.obj.get("spec") or {}).get("selector")
            ]
            if not services:
                continue
            pods = [
                p
                for p in self.world.store.items("/pods", ns)
                if (p.obj.get("status") or {}).get("podIP") and not p.obj["metadata"].get("deletionTimestamp")
            ]
            for svc in services:
                self.reconcile(svc, pods)

    def _slices(self, ns: str, svc: str) -> list[Entry]:
        return [
            e
            for e in self.world.store.items("discovery.k8s.io/endpointslices", ns)
            if e.labels.get("kubernetes.io/service-name") == svc
        ]

    def reconcile(self, svc: Entry, pods: list[Entry]) -> None:
        selector = svc.obj["spec"]["selector"]
        matched = [p for p in pods if all(p.labels.get(k) == v for k, v in selector.items())]
        ports = (svc.obj.get("spec") or {}).get("ports") or []
        ready: list[Obj] = []
        not_ready: list[Obj] = []
        resolved_ports: dict[str, Obj] = {}
        for p in matched:
            addr = {
                "ip": p.obj["status"]["podIP"],
                "nodeName": p.obj["spec"].get("nodeName"),
                "targetRef": {
                    "kind": "Pod",
                    "namespace": p.namespace,
                    "name": p.name,
                    "uid": p.obj["metadata"]["uid"],
                },
            }
            (ready if is_pod_ready(p.obj) else not_ready).append(addr)
            for sp in ports:
                port = _target_port(sp, p.obj)
                if port is not None:
                    resolved_ports.setdefault(
                        str(sp.get("name", "")),
                        {"name": sp.get("name"), "port": port, "protocol": sp.get("protocol", "TCP")},
                    )
        port_list = [{k: v for k, v in p.items() if v is not None} for p in resolved_ports.values()]
        subset: Obj = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if subset:
            subset["ports"] = port_list
        ep: Obj = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": svc.name, "namespace": svc.namespace, "labels": dict(svc.labels)},
        }
        if subset:
            ep["subsets"] = [subset]
        self._write("/endpoints", ep)
        endpoints = [
            {
                "addresses": [a["ip"]],
                "conditions": {"ready": a in ready, "serving": a in ready, "terminating": False},
                "nodeName": a["nodeName"],
                "targetRef": a["targetRef"],
            }
            for a in ready + not_ready
        ]
        name = f"{svc.name}-{zlib.crc32(svc.name.encode()) % 100000:05d}"
        slc: Obj = {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": name,
                "namespace": svc.namespace,
                "labels": {
                    **svc.labels,
                    "kubernetes.io/service-name": svc.name,
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                },
                "ownerReferences": [owner_reference(svc)],
            },
            "addressType": "IPv4",
            "endpoints": endpoints or None,
            "ports": [
                {"name": p.get("name", ""), "port": p["port"], "protocol": p["protocol"]} for p in port_list
            ]
            or None,
        }
        self._write("discovery.k8s.io/endpointslices", slc)

    def _write(self, rkey: str, desired: Obj) -> None:
        """Create or update an Endpoints/EndpointSlice object, writing only when its content changed."""
        meta = desired["metadata"]
        current = self.world.store.get(rkey, meta["namespace"], meta["name"])
        if current is None:
            self.world.registry.create(self.world.index.by_key[rkey], meta["namespace"], desired)
            return
        keep = ("metadata", "apiVersion", "kind")
        body = {k: v for k, v in desired.items() if k not in keep}
        if body != {k: v for k, v in current.obj.items() if k not in keep}:
            obj = {k: v for k, v in current.copy().items() if k in keep}
            obj.update(body)
            self.world.save(obj)
