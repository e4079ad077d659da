"""Label/field selectors and the three patch types."""

from __future__ import annotations

import pytest

from kubemedic.sim.errors import ApiError
from kubemedic.sim.patch import json_patch, merge_patch, strategic_merge_patch
from kubemedic.sim.selectors import parse_field_selector, parse_label_selector, selector_from_object


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "api"}, False),
        ("app!=web", {}, True),
        ("tier in (front, back)", {"tier": "back"}, True),
        ("tier notin (front,back)", {"tier": "back"}, False),
        ("tier notin (front)", {}, True),
        ("canary", {"canary": "x"}, True),
        ("!canary", {"canary": "x"}, False),
        ("app=web,tier in (a,b),!canary", {"app": "web", "tier": "a"}, True),
    ],
)
def test_label_selectors(selector: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_label_selector(selector).matches(labels) is expected


def test_bad_label_selector_is_400() -> None:
    with pytest.raises(ApiError) as err:
        parse_label_selector("a in b")
    assert err.value.code == 400


def test_match_expressions() -> None:
    sel = selector_from_object(
        {
            "matchLabels": {"app": "x"},
            "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}],
        }
    )
    assert sel.matches({"app": "x", "env": "prod"}) and not sel.matches({"app": "x", "env": "dev"})


def test_field_selectors() -> None:
    event = {"involvedObject": {"name": "p", "namespace": "ns", "uid": "u"}, "metadata": {"name": "e"}}
    assert parse_field_selector("involvedObject.name=p,involvedObject.uid==u").matches(event)
    assert not parse_field_selector("involvedObject.name!=p").matches(event)
    with pytest.raises(ApiError):
        parse_field_selector("spec.unknownField=x")


def test_merge_patch_null_deletes() -> None:
    assert merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"a": None, "b": {"c": 5}}) == {"b": {"c": 5, "d": 3}}


def test_strategic_merge_merges_containers_by_name_and_env_by_name() -> None:
    target = {
        "containers": [
            {"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}]},
            {"name": "b", "image": "b:1"},
        ]
    }
    patch = {"containers": [{"name": "a", "image": "a:2", "env": [{"name": "Y", "value": "2"}]}]}
    out = strategic_merge_patch(target, patch)
    assert [c["image"] for c in out["containers"]] == ["a:2", "b:1"]
    assert [e["name"] for e in out["containers"][0]["env"]] == ["X", "Y"]


def test_strategic_merge_delete_directive_and_replace() -> None:
    target = {"containers": [{"name": "a"}, {"name": "b"}], "labels": {"x": "1"}}
    out = strategic_merge_patch(
        target, {"containers": [{"name": "a", "$patch": "delete"}], "labels": {"$patch": "replace", "y": "2"}}
    )
    assert out == {"containers": [{"name": "b"}], "labels": {"y": "2"}}


def test_strategic_merge_ignores_set_element_order() -> None:
    out = strategic_merge_patch(
        {"ports": [{"containerPort": 80}]},
        {"$setElementOrder/ports": [{"containerPort": 80}], "ports": [{"containerPort": 81}]},
    )
    assert out == {"ports": [{"containerPort": 80}, {"containerPort": 81}]}


def test_json_patch_operations() -> None:
    doc = {"spec": {"replicas": 1, "list": [1, 2]}}
    out = json_patch(
        doc,
        [
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/-", "value": 9},
            {"op": "remove", "path": "/spec/list/0"},
            {"op": "test", "path": "/spec/replicas", "value": 3},
        ],
    )
    assert out == {"spec": {"replicas": 3, "list": [2, 9]}}
    assert doc["spec"]["replicas"] == 1
    with pytest.raises(ApiError):
        json_patch(doc, [{"op": "test", "path": "/spec/replicas", "value": 2}])
