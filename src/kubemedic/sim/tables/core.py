"""Columns for nodes, services, events, namespaces, config and storage kinds."""

from __future__ import annotations

from kubemedic.sim.clock import age, human_duration, parse_ts
from kubemedic.sim.tables.base import Cells, Obj, TableSpec, cols, dig, join_or_none, selector_text


def _age(obj: Obj, now: float) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


def _node(obj: Obj, now: float) -> Cells:
    conds = {c.get("type"): c.get("status") for c in dig(obj, "status", "conditions", default=[]) or []}
    status = "Ready" if conds.get("Ready") == "True" else ("NotReady" if "Ready" in conds else "Unknown")
    if dig(obj, "spec", "unschedulable"):
        status += ",SchedulingDisabled"
    roles = sorted(
        k.split("/", 1)[1]
        for k in obj["metadata"].get("labels") or {}
        if k.startswith("node-role.kubernetes.io/")
    )
    addrs = {a.get("type"): a.get("address") for a in dig(obj, "status", "addresses", default=[]) or []}
    info = dig(obj, "status", "nodeInfo", default={}) or {}
    return [
        obj["metadata"]["name"],
        status,
        join_or_none(roles),
        _age(obj, now),
        info.get("kubeletVersion", ""),
        addrs.get("InternalIP", "<none>"),
        addrs.get("ExternalIP", "<none>"),
        info.get("osImage", ""),
        info.get("kernelVersion", ""),
        info.get("containerRuntimeVersion", ""),
    ]


def _ports(spec: Obj) -> str:
    out = []
    for p in spec.get("ports") or []:
        s = f"{p.get('port')}/{p.get('protocol', 'TCP')}"
        if p.get("nodePort"):
            s = f"{p.get('port')}:{p['nodePort']}/{p.get('protocol', 'TCP')}"
        out.append(s)
    return ",".join(out) or "<none>"


def _service(obj: Obj, now: float) -> Cells:
    spec = obj.get("spec") or {}
    ingress = dig(obj, "status", "loadBalancer", "ingress", default=[]) or []
    external = ",".join(i.get("ip") or i.get("hostname", "") for i in ingress)
    if not external:
        external = ",".join(spec.get("externalIPs") or []) or (
            "<pending>" if spec.get("type") == "LoadBalancer" else "<none>"
        )
    if spec.get("type") == "ExternalName":
        external = spec.get("externalName", "<none>")
    sel = spec.get("selector")
    return [
        obj["metadata"]["name"],
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP") or "<none>",
        external,
        _ports(spec),
        _age(obj, now),
        ",".join(f"{k}={v}" for k, v in sel.items()) if sel else "<none>",
    ]


def _endpoints(obj: Obj, now: float) -> Cells:
    addrs = []
    for subset in obj.get("subsets") or []:
        for a in subset.get("addresses") or []:
            for p in subset.get("ports") or [{}]:
                addrs.append(f"{a.get('ip')}:{p.get('port')}" if p.get("port") else str(a.get("ip")))
    text = ",".join(addrs[:3]) + (f" + {len(addrs) - 3} more..." if len(addrs) > 3 else "")
    return [obj["metadata"]["name"], text or "<none>", _age(obj, now)]


def _event(obj: Obj, now: float) -> Cells:
    last = (
        parse_ts(obj.get("lastTimestamp"))
        or parse_ts(obj.get("eventTime"))
        or parse_ts(obj["metadata"].get("creationTimestamp"))
    )
    first = parse_ts(obj.get("firstTimestamp")) or last
    inv = obj.get("involvedObject") or {}
    count = int(obj.get("count") or 1)
    last_seen = "<unknown>" if last is None else human_duration(now - last)
    if count > 1 and first is not None:
        last_seen = f"{last_seen} (x{count} over {human_duration(now - first)})"
    source = dig(obj, "source", "component", default="") or obj.get("reportingComponent", "")
    host = dig(obj, "source", "host", default="")
    return [
        last_seen,
        obj.get("type", ""),
        obj.get("reason", ""),
        f"{str(inv.get('kind', '')).lower()}/{inv.get('name', '')}",
        inv.get("fieldPath", ""),
        f"{source}, {host}" if host else source,
        str(obj.get("message", "")).strip(),
        "<unknown>" if first is None else human_duration(now - first),
        count,
        obj["metadata"]["name"],
    ]


def _namespace(obj: Obj, now: float) -> Cells:
    return [obj["metadata"]["name"], dig(obj, "status", "phase", default="Active"), _age(obj, now)]


def _configmap(obj: Obj, now: float) -> Cells:
    return [
        obj["metadata"]["name"],
        len(obj.get("data") or {}) + len(obj.get("binaryData") or {}),
        _age(obj, now),
    ]


def _secret(obj: Obj, now: float) -> Cells:
    return [obj["metadata"]["name"], obj.get("type", "Opaque"), len(obj.get("data") or {}), _age(obj, now)]


def _pvc(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    bound = st.get("phase") == "Bound"
    cap = dig(st, "capacity", "storage", default="") if bound else ""
    modes = ",".join(
        {
            "ReadWriteOnce": "RWO",
            "ReadOnlyMany": "ROX",
            "ReadWriteMany": "RWX",
            "ReadWriteOncePod": "RWOP",
        }.get(m, m)
        for m in (st.get("accessModes") or [])
        if bound
    )
    return [
        obj["metadata"]["name"],
        st.get("phase", "Pending"),
        spec.get("volumeName", ""),
        cap,
        modes,
        spec.get("storageClassName") or "<unset>",
        "<unset>",
        _age(obj, now),
        spec.get("volumeMode", ""),
    ]


def _pv(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if ref else ""
    return [
        obj["metadata"]["name"],
        dig(spec, "capacity", "storage", default=""),
        ",".join(spec.get("accessModes") or []),
        spec.get("persistentVolumeReclaimPolicy", "Delete"),
        st.get("phase", "Available"),
        claim,
        spec.get("storageClassName", ""),
        "<unset>",
        st.get("reason", ""),
        _age(obj, now),
    ]


def _ingress(obj: Obj, now: float) -> Cells:
    spec = obj.get("spec") or {}
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    lb = dig(obj, "status", "loadBalancer", "ingress", default=[]) or []
    return [
        obj["metadata"]["name"],
        spec.get("ingressClassName") or "<none>",
        ",".join(hosts) or "*",
        ",".join(i.get("ip") or i.get("hostname", "") for i in lb),
        "443" if spec.get("tls") else "80",
        _age(obj, now),
    ]


def _sa(obj: Obj, now: float) -> Cells:
    return [obj["metadata"]["name"], len(obj.get("secrets") or []), _age(obj, now)]


def _storageclass(obj: Obj, now: float) -> Cells:
    name = obj["metadata"]["name"]
    if (obj["metadata"].get("annotations") or {}).get(
        "storageclass.kubernetes.io/is-default-class"
    ) == "true":
        name += " (default)"
    return [
        name,
        obj.get("provisioner", ""),
        obj.get("reclaimPolicy", "Delete"),
        obj.get("volumeBindingMode", "Immediate"),
        str(bool(obj.get("allowVolumeExpansion"))),
        _age(obj, now),
    ]


def _quota(obj: Obj, now: float) -> Cells:
    used = dig(obj, "status", "used", default={}) or {}
    hard = dig(obj, "status", "hard", default={}) or dig(obj, "spec", "hard", default={}) or {}
    req = ", ".join(f"{k}: {used.get(k, '0')}/{v}" for k, v in hard.items() if not k.startswith("limits."))
    lim = ", ".join(f"{k}: {used.get(k, '0')}/{v}" for k, v in hard.items() if k.startswith("limits."))
    return [obj["metadata"]["name"], _age(obj, now), req, lim]


def _netpol(obj: Obj, now: float) -> Cells:
    return [obj["metadata"]["name"], selector_text(dig(obj, "spec", "podSelector")), _age(obj, now)]


CORE_TABLES: dict[str, TableSpec] = {
    "Node": TableSpec(
        cols(
            ("Name", "Status", "Roles", "Age", "Version"),
            ("Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"),
        ),
        _node,
    ),
    "Service": TableSpec(
        cols(("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"), ("Selector",)), _service
    ),
    "Endpoints": TableSpec(cols(("Name", "Endpoints", "Age")), _endpoints),
    "Event": TableSpec(
        cols(("Last Seen", "Type", "Reason", "Object"), ())
        + cols((), ("Subobject", "Source"))
        + cols(("Message",), ("First Seen", "Count", "Name")),
        _event,
    ),
    "Namespace": TableSpec(cols(("Name", "Status", "Age")), _namespace),
    "ConfigMap": TableSpec(cols(("Name", "Data", "Age")), _configmap),
    "Secret": TableSpec(cols(("Name", "Type", "Data", "Age")), _secret),
    "PersistentVolumeClaim": TableSpec(
        cols(
            (
                "Name",
                "Status",
                "Volume",
                "Capacity",
                "Access Modes",
                "StorageClass",
                "VolumeAttributesClass",
                "Age",
            ),
            ("VolumeMode",),
        ),
        _pvc,
    ),
    "PersistentVolume": TableSpec(
        cols(
            (
                "Name",
                "Capacity",
                "Access Modes",
                "Reclaim Policy",
                "Status",
                "Claim",
                "StorageClass",
                "VolumeAttributesClass",
                "Reason",
                "Age",
            )
        ),
        _pv,
    ),
    "Ingress": TableSpec(cols(("Name", "Class", "Hosts", "Address", "Ports", "Age")), _ingress),
    "ServiceAccount": TableSpec(cols(("Name", "Secrets", "Age")), _sa),
    "StorageClass": TableSpec(
        cols(("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age")),
        _storageclass,
    ),
    "ResourceQuota": TableSpec(cols(("Name", "Age", "Request", "Limit")), _quota),
    "NetworkPolicy": TableSpec(cols(("Name", "Pod-Selector", "Age")), _netpol),
}
