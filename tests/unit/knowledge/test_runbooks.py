"""Every finding category has a runbook an on-call engineer can act on: four sections, kubectl commands."""

from __future__ import annotations

import re

import pytest

from kubemedic.analyzers.categories import CATEGORIES
from kubemedic.domain import InputError
from kubemedic.knowledge import KnowledgeBase
from kubemedic.knowledge.markdown import parse
from kubemedic.knowledge.runbooks import builtin_files, parse_runbook

EXTRA_CATEGORIES = ("anomaly", "cost")


@pytest.mark.parametrize("category", sorted(CATEGORIES) + list(EXTRA_CATEGORIES))
def test_every_category_has_a_complete_runbook(builtin_kb: KnowledgeBase, category: str) -> None:
    book = builtin_kb.runbook(category)
    assert book is not None, f"no runbook for category {category!r}"
    for name in ("meaning", "confirm", "fix", "prevent"):
        text = getattr(book, name)
        assert len(text) > 150, f"{category}: section {name!r} is too thin to help anyone"
    assert book.title and book.source.endswith(f"runbooks/{category}.md")


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_confirm_section_gives_real_commands(builtin_kb: KnowledgeBase, category: str) -> None:
    book = builtin_kb.runbook(category)
    assert book is not None
    commands = re.findall(r"^(kubectl|kubemedic) ", book.confirm, flags=re.MULTILINE)
    assert commands, f"{category}: the confirm section has no kubectl command at the start of a line"


def test_no_runbook_prints_secret_values() -> None:
    for f in builtin_files():
        # Reading a Secret's data without narrowing to key names would put credentials on a screen.
        assert "get secret" not in f.text or "jsonpath='{.data}'\n" not in f.text, f.name
        assert "base64 -d" not in f.text or "tls\\.crt" in f.text, f.name


def test_unknown_category_has_no_runbook(builtin_kb: KnowledgeBase) -> None:
    assert builtin_kb.runbook("no-such-category") is None


def test_runbook_missing_a_section_is_rejected_with_its_name() -> None:
    text = "---\ncategory: demo\n---\n# Demo\n\n## What it means\n\nx\n\n## How to fix it\n\ny\n"
    with pytest.raises(InputError, match=r"how to confirm, how to prevent"):
        parse_runbook(parse(text, fallback_title="demo", where="demo.md"), "demo.md")


def test_runbook_without_category_is_rejected() -> None:
    with pytest.raises(InputError, match="category"):
        parse_runbook(parse("# T\n\n## What it means\n\nx\n", fallback_title="t", where="t.md"), "t.md")


def test_fix_section_keeps_its_subsections(builtin_kb: KnowledgeBase) -> None:
    book = builtin_kb.runbook("crash-loop")
    assert book is not None
    assert "### Exit code 137 with reason OOMKilled" in book.fix
    assert "OOMKilled" in book.fix


def test_runbook_markdown_is_well_formed() -> None:
    for f in builtin_files():
        assert f.text.count("```") % 2 == 0, f"{f.name}: unbalanced code fence"
        headings = [line for line in f.text.splitlines() if line.startswith("## ")]
        assert [h.lower()[3:] for h in headings] == [
            "what it means",
            "how to confirm it",
            "how to fix it",
            "how to prevent it",
        ], f"{f.name}: sections {headings}"
        assert f.name == f"{parse(f.text, fallback_title='', where=f.name).get('category')}.md"
