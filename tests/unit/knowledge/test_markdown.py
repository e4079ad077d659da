"""Documents become passages at headings; code fences are not headings; long sections split at paragraphs."""

from __future__ import annotations

from kubemedic.knowledge.markdown import MAX_PASSAGE_CHARS, chunks, grouped, parse, passages


def test_headings_inside_code_fences_are_text() -> None:
    doc = parse(
        "# T\n\n## Run\n\n```sh\n# not a heading\nkubectl get pods\n```\n", fallback_title="f", where="f"
    )
    assert [s.heading for s in doc.sections] == ["Run"]
    assert "# not a heading" in doc.sections[0].text


def test_subsections_are_labelled_with_their_parent() -> None:
    doc = parse(
        "# T\n\n## How to fix it\n\n### Cause A\n\ndo a\n\n### Cause B\n\ndo b\n",
        fallback_title="f",
        where="f",
    )
    assert passages(doc) == [("How to fix it > Cause A", "do a"), ("How to fix it > Cause B", "do b")]
    assert grouped(doc) == [("How to fix it", "### Cause A\n\ndo a\n\n### Cause B\n\ndo b")]


def test_title_falls_back_to_file_name_and_plain_text_has_no_headings() -> None:
    doc = parse("# looks like a heading\nbody\n", fallback_title="notes", where="n.txt", markdown=False)
    assert doc.title == "notes"
    assert doc.sections[0].text.startswith("# looks like")


def test_long_sections_split_at_paragraphs_without_cutting_one() -> None:
    para = "word " * 100
    pieces = chunks("\n\n".join([para] * 10))
    assert len(pieces) > 1
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in pieces)
    assert all(p.strip().startswith("word") and p.strip().endswith("word") for p in pieces)
