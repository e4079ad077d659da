"""Discovery documents: /version, /api, /apis in the legacy and the aggregated (v2) form."""

from __future__ import annotations

from typing import Any

from kubemedic.sim.resources import RESOURCES, ResourceType, group_versions

Obj = dict[str, Any]

AGGREGATED_CT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_CT_BETA = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"


def version_info(git_version: str = "v1.32.4") -> Obj:
    major, minor = git_version.lstrip("v").split(".")[:2]
    return {
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "kubemedic-sim",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:00:00Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def wants_aggregated(accept: str) -> str | None:
    """The aggregated-discovery content type the client asked for, if any."""
    if "as=APIGroupDiscoveryList" not in accept:
        return None
    return (
        AGGREGATED_CT
        if "v=v2;" in accept or accept.endswith("v=v2") or "v=v2," in accept
        else (AGGREGATED_CT_BETA if "v2beta1" in accept else AGGREGATED_CT)
    )


def _legacy_resource(r: ResourceType) -> list[Obj]:
    out: list[Obj] = [
        {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
            **({"shortNames": list(r.short_names)} if r.short_names else {}),
            **({"categories": list(r.categories)} if r.categories else {}),
        }
    ]
    for s in r.subresources:
        sub: Obj = {
            "name": f"{r.plural}/{s.name}",
            "singularName": "",
            "namespaced": r.namespaced,
            "kind": s.kind,
            "verbs": list(s.verbs),
        }
        if s.group:
            sub["group"], sub["version"] = s.group, s.version
        out.append(sub)
    return out


def resource_list(group: str, version: str) -> Obj | None:
    rs = [r for r in RESOURCES if r.group == group and r.version == version]
    if not rs:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": [x for r in rs for x in _legacy_resource(r)],
    }


def api_versions() -> Obj:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}],
    }


def api_group_list() -> Obj:
    groups = []
    for group, versions in group_versions().items():
        if not group:
            continue
        gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        groups.append({"name": group, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> Obj | None:
    versions = group_versions().get(group)
    if not versions or not group:
        return None
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": gvs,
        "preferredVersion": gvs[0],
    }


def _aggregated_resource(r: ResourceType) -> Obj:
    out: Obj = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        out["shortNames"] = list(r.short_names)
    if r.categories:
        out["categories"] = list(r.categories)
    if r.subresources:
        out["subresources"] = [
            {
                "subresource": s.name,
                "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
                "verbs": list(s.verbs),
            }
            for s in r.subresources
        ]
    return out


def aggregated(core: bool, content_type: str) -> Obj:
    """An APIGroupDiscoveryList for /api (core) or /apis (every named group)."""
    api_version = content_type.split("v=", 1)[1].split(";", 1)[0]
    items = []
    for group, versions in group_versions().items():
        if (group == "") != core:
            continue
        items.append(
            {
                "metadata": {"name": group, "creationTimestamp": None},
                "versions": [
                    {
                        "version": v,
                        "freshness": "Current",
                        "resources": [
                            _aggregated_resource(r) for r in RESOURCES if r.group == group and r.version == v
                        ],
                    }
                    for v in versions
                ],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{api_version}",
        "metadata": {},
        "items": items,
    }
