"""`kubemedic apikey create|list|revoke` against a real SQLite database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli import app

pytestmark = pytest.mark.integration
runner = CliRunner()


def test_create_list_revoke(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    created = runner.invoke(app, ["apikey", "create", "grafana", "--role", "operator", "--db", db])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    key_id = key.split("_")[1]
    listed = runner.invoke(app, ["apikey", "list", "--db", db])
    assert listed.exit_code == 0 and key_id in listed.stdout and "operator" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout
    assert runner.invoke(app, ["apikey", "revoke", key_id, "--db", db]).exit_code == 0
    again = runner.invoke(app, ["apikey", "revoke", key_id, "--db", db])
    assert again.exit_code == 2 and "no active key" in again.output


def test_bad_role_and_bad_url_are_clear(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    bad_role = runner.invoke(app, ["apikey", "create", "x", "--role", "root", "--db", db])
    assert bad_role.exit_code == 2 and "unknown role 'root'" in bad_role.output
    bad_url = runner.invoke(app, ["apikey", "create", "x", "--db", "mysql://h/db"])
    assert bad_url.exit_code == 2 and "mysql" in bad_url.output
