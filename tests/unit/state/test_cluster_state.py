"""ClusterState indexes: owners, selectors, events, troubled pods."""

from __future__ import annotations

from kubemedic.state import LabelSelector
from tests.factory import (
    cstatus,
    deployment_with_pods,
    event,
    job,
    job_complete,
    pod,
    running,
    state,
    terminated,
    waiting,
)  # fmt: skip


def test_owner_chain_children_and_pods_of() -> None:
    objs = deployment_with_pods("web", "shop", replicas=3)
    s = state(objs)
    dep = s.get("Deployment", "shop", "web")
    assert dep is not None
    assert len(s.pods_of(dep)) == 3
    assert s.top_owner(s.pods("shop")[0]) is dep


def test_selectors_match_labels_and_expressions() -> None:
    sel = LabelSelector.from_spec(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}],
        }
    )
    assert sel.matches({"app": "web", "tier": "fe"})
    assert not sel.matches({"app": "web", "tier": "be"})
    assert not sel.matches({"app": "web"})
    assert LabelSelector.from_spec({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}).matches(
        {}
    )
    assert sel.describe() == "app=web,tier in (fe)"


def test_select_pods_by_one_label_or_several_stays_in_the_namespace() -> None:
    web = deployment_with_pods("web", "shop", replicas=2)  # pods labelled app=web
    other = deployment_with_pods("web", "blog", replicas=1)  # same label, another namespace
    s = state(web + other)
    one = s.select_pods("shop", LabelSelector.from_map({"app": "web"}))
    assert sorted(p.name for p in one) == sorted(p.name for p in s.pods("shop"))
    one.clear()  # the answer is the caller's list, not the index's bucket
    assert len(s.select_pods("shop", LabelSelector.from_map({"app": "web"}))) == 2
    assert s.select_pods("shop", LabelSelector.from_map({"app": "web", "tier": "db"})) == []
    assert s.select_pods("shop", LabelSelector.from_map({"app": "nope"})) == []


def test_events_attach_by_uid_newest_last() -> None:
    p = pod("api", "shop")
    s = state(p, event(p, "BackOff", "old", ago=300), event(p, "Failed", "new", ago=10))
    pod_view = s.pods()[0]
    assert [e.message for e in s.events_for(pod_view)] == ["old", "new"]
    latest = s.latest_event(pod_view, reasons=["BackOff"])
    assert latest is not None and latest.message == "old"


def test_troubled_pods_skip_healthy_and_completed() -> None:
    healthy = pod("ok", "shop")
    restarted = cstatus(restarts=1, state=running(), last_state=terminated(ago=86_400))
    old_restart = pod("restarted", "shop", statuses=[restarted])
    crashing = pod(
        "crash", "shop", statuses=[cstatus(ready=False, restarts=5, state=waiting("CrashLoopBackOff"))]
    )
    finished = cstatus(ready=False, state=terminated("Completed", 0))
    owner = job("j", "shop", succeeded=1, conditions=job_complete())
    done = pod("done", "shop", phase="Succeeded", statuses=[finished], owner=owner)
    s = state(healthy, old_restart, crashing, done)
    names = {p.name for p in s.troubled_pods}
    assert "ok" not in names and "done" not in names
    assert {"crash", "restarted"} <= names


def test_malformed_pod_status_does_not_break_the_views() -> None:
    odd = pod("odd", "shop")
    odd["status"]["conditions"] = ["Ready"]  # a string where an object belongs
    odd["status"]["containerStatuses"] = [None]
    s = state(odd)
    assert [p.name for p in s.troubled_pods] == ["odd"]
