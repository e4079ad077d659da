"""User directories: indexed recursively, re-indexed incrementally, persisted, and bad input named clearly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubemedic.domain import InputError
from kubemedic.knowledge import KnowledgeBase
from kubemedic.knowledge.store import KnowledgeStoreError

NOTE = """---
title: Checkout database failover
category: connectivity
---

# ignored because front matter names the title

## Symptoms

Checkout pods log `connection refused` against pgbouncer during the nightly failover window.

## Procedure

Run the failover playbook and restart pgbouncer; page the database team if it lasts over 10 minutes.
"""


def _notes(root: Path) -> Path:
    (root / "team" / "deep").mkdir(parents=True)
    (root / "checkout.md").write_text(NOTE)
    (root / "team" / "kafka.markdown").write_text(
        "# Kafka lag\n\n## Fix\n\nScale the zookeeper-free brokers.\n"
    )
    (root / "team" / "deep" / "oncall.txt").write_text(
        "Escalation: call the payments on-call after 2 pages.\n"
    )
    (root / "team" / "image.png").write_bytes(b"\x89PNG not a note")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.md").write_text("# hidden, never indexed\n")
    return root


def _bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_add_directory_indexes_md_markdown_and_txt_recursively(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        report = kb.add_directory(notes)
        assert (report.added, report.updated, report.removed, report.unchanged) == (3, 0, 0, 0)
        hit = kb.search("pgbouncer failover", limit=1)[0]
        assert hit.title == "Checkout database failover"
        assert hit.category == "connectivity"
        assert hit.source == str(notes / "checkout.md")
        assert hit.section == "Symptoms" or hit.section == "Procedure"
        assert kb.search("escalation payments", limit=1)[0].source.endswith("oncall.txt")
        assert not [p for p in kb.search("hidden never indexed", limit=20) if ".git" in p.source]


def test_reindex_reads_only_what_changed(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        kb.add_directory(notes)
        again = kb.add_directory(notes)
        assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)

        (notes / "checkout.md").write_text(NOTE.replace("pgbouncer", "odyssey"))
        _bump_mtime(notes / "checkout.md")
        changed = kb.add_directory(notes)
        assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 2)
        assert kb.search("odyssey", limit=1)[0].source.endswith("checkout.md")
        assert not kb.search("pgbouncer", limit=5)

        _bump_mtime(notes / "team" / "kafka.markdown")  # touched, same content: not re-parsed
        touched = kb.add_directory(notes)
        assert (touched.updated, touched.unchanged) == (0, 3)

        (notes / "team" / "deep" / "oncall.txt").unlink()
        (notes / "new.md").write_text("# Redis eviction policy\n\nallkeys-lru for caches.\n")
        final = kb.add_directory(notes)
        assert (final.added, final.removed, final.unchanged) == (1, 1, 2)
        assert not kb.search("escalation payments", limit=5)


def test_index_survives_reopening_and_refresh_picks_up_edits(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    db = tmp_path / "kb.db"
    with KnowledgeBase.open(db) as kb:
        kb.add_directory(notes)
    (notes / "late.md").write_text("# Vault agent\n\nThe vault agent sidecar renews leases.\n")
    with KnowledgeBase.open(db) as kb:
        sources = kb.sources()
        assert [s.builtin for s in sources] == [True, False]
        assert sources[1].location == str(notes.resolve()) and sources[1].documents == 3
        assert sources[0].documents >= 36
        [report] = kb.refresh()
        assert (report.added, report.unchanged) == (1, 3)
        assert kb.search("vault agent leases", limit=1)[0].source.endswith("late.md")


def test_remove_directory_drops_its_documents(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        kb.add_directory(notes)
        report = kb.remove_directory(notes)
        assert report.removed == 3
        assert [s.builtin for s in kb.sources()] == [True]
        assert not kb.search("pgbouncer", limit=5)
        with pytest.raises(InputError, match="not in the knowledge base"):
            kb.remove_directory(notes)


def test_vanished_directory_loses_its_documents_on_refresh(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        kb.add_directory(notes)
        for path in sorted(notes.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        notes.rmdir()
        [report] = kb.refresh()
        assert report.removed == 3


def test_missing_directory_and_file_are_named(tmp_path: Path) -> None:
    (tmp_path / "file.md").write_text("x")
    with KnowledgeBase.open(None) as kb:
        with pytest.raises(InputError, match="no such directory"):
            kb.add_directory(tmp_path / "nope")
        with pytest.raises(InputError, match="not a directory"):
            kb.add_directory(tmp_path / "file.md")


def test_undecodable_and_oversized_files_are_skipped_not_fatal(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (notes / "huge.md").write_text("word " * 500_000)
    (notes / "ok.md").write_text("# fine\n\nreadable\n")
    with KnowledgeBase.open(None) as kb:
        report = kb.add_directory(notes)
        assert (report.added, report.skipped) == (1, 2)


def test_broken_front_matter_is_indexed_as_plain_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "bad.md").write_text("---\ntitle: [unclosed\n---\n# Still searchable\n\nzanzibar\n")
    with KnowledgeBase.open(None) as kb:
        assert kb.add_directory(notes).added == 1
        assert kb.search("zanzibar", limit=1)


def test_a_file_that_is_not_an_index_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "knowledge.db"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(KnowledgeStoreError, match="cannot use"):
        KnowledgeBase.open(bogus)
    with pytest.raises(InputError, match="is a directory"):
        KnowledgeBase.open(tmp_path)
    with pytest.raises(KnowledgeStoreError, match="cannot open knowledge index"):
        KnowledgeBase.open(bogus / "below-a-file" / "kb.db")


def test_builtin_runbooks_are_indexed_once_and_kept_current(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with KnowledgeBase.open(db) as kb:
        first = kb.sources()[0]
    with KnowledgeBase.open(db) as kb:
        assert kb.sources()[0] == first
        assert first.documents == len(kb.runbooks())


def test_a_changed_builtin_runbook_is_reindexed_at_open(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "kb.db"
    KnowledgeBase.open(db).close()
    with sqlite3.connect(db) as raw:  # as if the index was built by an older kubemedic
        raw.execute("UPDATE documents SET sha256 = 'old' WHERE doc_id = 'runbook/tls'")
        raw.execute("DELETE FROM passages WHERE doc_id = 'runbook/tls'")
    with KnowledgeBase.open(db) as kb:
        assert kb.search("x509 certificate signed by unknown authority", limit=1)[0].category == "tls"


def test_nested_folders_are_indexed_once(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        assert kb.add_directory(notes / "team").added == 2
        with pytest.raises(InputError, match="already indexed as part of"):
            kb.add_directory(notes / "team" / "deep")
        parent = kb.add_directory(notes)  # takes the child folder over: its 2 files are not re-read
        assert (parent.added, parent.unchanged) == (1, 2)
        folders = [(s.location, s.documents) for s in kb.sources() if not s.builtin]
        assert folders == [(str(notes.resolve()), 3)]
        [again] = kb.refresh()
        assert again.unchanged == 3


def test_an_index_from_another_version_is_rebuilt_with_its_folders(tmp_path: Path) -> None:
    import sqlite3

    notes = _notes(tmp_path / "notes")
    db = tmp_path / "kb.db"
    with KnowledgeBase.open(db) as kb:
        kb.add_directory(notes)
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    with KnowledgeBase.open(db) as kb:
        assert [s.documents for s in kb.sources() if not s.builtin] == [3]
        assert kb.search("pgbouncer failover", limit=1)[0].source.endswith("checkout.md")


def test_reindexing_many_documents_stays_linear(tmp_path: Path) -> None:
    import time

    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(600):
        (notes / f"n{i}.md").write_text(f"# note {i}\n\n## a\n\nalpha {i}\n\n## b\n\nbeta {i}\n")
    with KnowledgeBase.open(tmp_path / "kb.db") as kb:
        kb.add_directory(notes)
        for i in range(600):
            (notes / f"n{i}.md").write_text(f"# note {i}\n\n## a\n\ngamma {i}\n")
            _bump_mtime(notes / f"n{i}.md")
        started = time.perf_counter()
        report = kb.add_directory(notes)
        elapsed = time.perf_counter() - started
        assert report.updated == 600
        assert not kb.search("beta", limit=5)
        assert elapsed < 3.0, f"re-indexing 600 changed notes took {elapsed:.1f} s"
