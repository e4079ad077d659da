"""`kubemedic kb add|search|list|remove` through the real typer app, with an index in a temp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli import app

runner = CliRunner()


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("KUBEMEDIC_DATA_DIR", str(tmp_path / "data"))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "pgbouncer.md").write_text(
        "# pgbouncer runbook\n\n## Restart\n\nRestart pgbouncer after failover.\n"
    )
    return tmp_path / "data", notes


def test_add_then_search_json_lists_the_note_and_runbooks(env: tuple[Path, Path]) -> None:
    data, notes = env
    added = runner.invoke(app, ["kb", "add", str(notes)])
    assert added.exit_code == 0, added.output
    assert "1 added" in added.output
    assert (data / "knowledge.db").exists()

    found = runner.invoke(
        app, ["kb", "search", "restart pgbouncer after failover", "-o", "json", "--limit", "2"]
    )
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert len(hits) <= 2
    assert hits[0]["source"] == str(notes.resolve() / "pgbouncer.md")
    assert set(hits[0]) == {"doc_id", "title", "section", "text", "source", "category", "score"}


def test_search_table_shows_runbook_category_and_section(env: tuple[Path, Path]) -> None:
    result = runner.invoke(app, ["kb", "search", "x509: certificate signed by unknown authority", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "[tls]" in result.output
    assert "builtin:runbooks/tls.md" in result.output


def test_list_shows_builtin_and_added_folders(env: tuple[Path, Path]) -> None:
    _, notes = env
    runner.invoke(app, ["kb", "add", str(notes)])
    listed = json.loads(runner.invoke(app, ["kb", "list", "-o", "json"]).output)
    assert [s["builtin"] for s in listed] == [True, False]
    assert listed[1] == {"location": str(notes.resolve()), "builtin": False, "documents": 1, "passages": 1}
    removed = runner.invoke(app, ["kb", "remove", str(notes)])
    assert removed.exit_code == 0 and "1 documents" in removed.output


def test_bad_input_exits_2_with_a_message(env: tuple[Path, Path]) -> None:
    _, notes = env
    empty = runner.invoke(app, ["kb", "search", "  "])
    assert empty.exit_code == 2 and "empty" in empty.output
    missing = runner.invoke(app, ["kb", "add", str(notes / "nope")])
    assert missing.exit_code == 2 and "no such directory" in missing.output
    not_added = runner.invoke(app, ["kb", "remove", str(notes)])
    assert not_added.exit_code == 2 and "not in the knowledge base" in not_added.output
    limit = runner.invoke(app, ["kb", "search", "oom", "--limit", "0"])
    assert limit.exit_code == 2 and "limit" in limit.output


def test_show_prints_a_runbook_and_names_the_known_categories_on_a_typo(env: tuple[Path, Path]) -> None:
    shown = runner.invoke(app, ["kb", "show", "oom"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("# Container killed for exceeding its memory limit")
    assert "## How to confirm it" in shown.output and "kubectl describe pod" in shown.output
    as_json = json.loads(runner.invoke(app, ["kb", "show", "dns", "-o", "json"]).output)
    assert as_json["category"] == "dns" and as_json["fix"]
    typo = runner.invoke(app, ["kb", "show", "crashloop"])
    assert typo.exit_code == 2 and "crash-loop" in typo.output
