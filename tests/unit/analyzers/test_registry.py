"""Every registered analyzer is documented, uses known categories, and docs/analyzers.md is current."""

from __future__ import annotations

from pathlib import Path

from kubemedic.analyzers.catalog import catalog, markdown
from kubemedic.analyzers.categories import CATEGORIES
from kubemedic.analyzers.run import run_analyzers
from kubemedic.correlate.causes import CAUSE_RANK
from kubemedic.state.snapshot import load_snapshot

ROOT = Path(__file__).resolve().parents[3]


def test_every_analyzer_says_what_it_detects_and_its_evidence() -> None:
    docs = catalog()
    assert len(docs) >= 25
    for doc in docs:
        assert doc.detects, f"{doc.name} has no 'Detects:' section"
        assert doc.evidence, f"{doc.name} has no 'Evidence:' section"


def test_findings_use_known_categories_with_a_cause_rank() -> None:
    report = run_analyzers(load_snapshot(ROOT / "examples" / "broken-shop").state)
    for finding in report:
        assert finding.category in CATEGORIES, finding.category
        assert finding.category in CAUSE_RANK, finding.category
    assert set(CAUSE_RANK) <= set(CATEGORIES)


def test_docs_analyzers_md_is_generated_from_the_code() -> None:
    text = (ROOT / "docs" / "analyzers.md").read_text()
    assert text == markdown(), "run: .venv/bin/kubemedic analyzers --markdown > docs/analyzers.md"
