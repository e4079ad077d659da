"""TokenReview: the sim authenticates the tokens it was started with (what `serve` will rely on)."""

from __future__ import annotations

import httpx
import pytest

from kubemedic.sim.testing import SimHandle

pytestmark = pytest.mark.integration


def _review(sim: SimHandle, token: str) -> dict[str, object]:
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token}}
    resp = httpx.post(f"{sim.url}/apis/authentication.k8s.io/v1/tokenreviews", json=body, timeout=5)
    assert resp.status_code == 201
    status = resp.json()["status"]
    assert isinstance(status, dict)
    return status


def test_the_sims_own_token_is_authenticated_with_groups(sim: SimHandle) -> None:
    assert sim.token
    status = _review(sim, sim.token)
    assert status["authenticated"] is True
    assert "system:authenticated" in status["user"]["groups"]  # type: ignore[index]


def test_any_other_token_is_rejected(sim: SimHandle) -> None:
    status = _review(sim, "not-a-token")
    assert status["authenticated"] is False and "invalid" in str(status["error"])
