from __future__ import annotations

from decimal import Decimal

import pytest

from kubemedic.analyzers.workloads import quotas
from kubemedic.domain import Finding, Severity
from kubemedic.state.quantity import parse_quantity, try_parse_quantity
from tests.factory import Obj, quota, state


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Decimal("0.5")),
        ("1.5", Decimal("1.5")),
        ("2", Decimal(2)),
        ("2Gi", Decimal(2 * 1024**3)),
        ("512Mi", Decimal(512 * 1024**2)),
        ("1Ki", Decimal(1024)),
        ("1G", Decimal(10**9)),
        ("100k", Decimal(100_000)),
        ("1e3", Decimal(1000)),
        ("1E3", Decimal(1000)),
        ("2E", Decimal(2 * 10**18)),
        ("250u", Decimal("0.00025")),
        ("10n", Decimal("0.00000001")),
        (".5", Decimal("0.5")),
        (" 1Mi ", Decimal(1024**2)),
    ],
)
def test_parse_quantity(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "5 Gi", "1GB", "1e", "Mi", "--1"])
def test_bad_quantity_raises_value_error_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid Kubernetes quantity {text!r}"):
        parse_quantity(text)


def test_try_parse_quantity_accepts_numbers_and_rejects_junk() -> None:
    assert try_parse_quantity(3) == Decimal(3)
    assert try_parse_quantity("junk") is None
    assert try_parse_quantity(None) is None


def run(*objs: Obj) -> list[Finding]:
    return list(quotas.analyze(state(*objs)))


def test_exhausted_memory_quota_compares_mixed_units() -> None:
    q = quota(
        "compute",
        "shop",
        hard={"limits.memory": "2Gi", "pods": "20"},
        used={"limits.memory": "2048Mi", "pods": "4"},
    )
    findings = run(q)
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity, f.title) == (
        "quota",
        Severity.ERROR,
        "compute: limits.memory quota exhausted",
    )
    assert f.message == "limits.memory: 2048Mi used of 2Gi (100%)."
    assert [e.text for e in f.evidence] == [
        "status.used[limits.memory]: 2048Mi",
        "status.hard[limits.memory]: 2Gi",
    ]
    assert "kubectl describe resourcequota compute -n shop" in f.remediation


def test_cpu_above_ninety_percent_is_a_warning() -> None:
    f = run(quota("compute", hard={"requests.cpu": "4"}, used={"requests.cpu": "3800m"}))[0]
    assert (f.severity, f.title) == (Severity.WARNING, "compute: requests.cpu quota almost exhausted")
    assert "95%" in f.root_cause


def test_healthy_lookalikes_are_quiet() -> None:
    half = quota(
        "compute",
        hard={"limits.memory": "2Gi", "requests.cpu": "4"},
        used={"limits.memory": "1Gi", "requests.cpu": "2"},
    )
    lockout = quota("no-lb", hard={"services.loadbalancers": "0"}, used={"services.loadbalancers": "0"})
    garbage = quota("odd", hard={"pods": "lots"}, used={"pods": "10"})
    assert run(half, lockout, garbage) == []
