"""The runbooks shipped inside the package: one markdown file per finding category.

Each file starts with front matter naming its `category` and has four `##` sections, in this order: what it
means, how to confirm it, how to fix it, how to prevent it. They are read with importlib.resources, so they
work from a wheel, a zip or a source tree alike, and nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from kubemedic.domain import InputError
from kubemedic.knowledge.markdown import ParsedDocument, grouped, parse
from kubemedic.knowledge.models import Runbook

BUILTIN_SOURCE = "builtin"
SECTION_KEYS: tuple[tuple[str, str], ...] = (
    ("meaning", "what it means"),
    ("confirm", "how to confirm"),
    ("fix", "how to fix"),
    ("prevent", "how to prevent"),
)


@dataclass(frozen=True, slots=True)
class BuiltinFile:
    name: str
    text: str
    sha256: str

    @property
    def source(self) -> str:
        return f"{BUILTIN_SOURCE}:runbooks/{self.name}"


def builtin_files() -> list[BuiltinFile]:
    """Every runbook file in the package, sorted by name."""
    folder = resources.files("kubemedic.knowledge").joinpath("runbooks")
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".md") and entry.is_file():
            text = entry.read_text(encoding="utf-8")
            out.append(BuiltinFile(entry.name, text, hashlib.sha256(text.encode()).hexdigest()))
    return sorted(out, key=lambda f: f.name)


def parse_runbook(doc: ParsedDocument, source: str) -> Runbook:
    """Build a Runbook from a parsed document; a missing category or section is an InputError naming it."""
    category = doc.get("category")
    if not category:
        raise InputError(f"{source}: runbook has no `category:` in its front matter")
    found: dict[str, str] = {}
    for heading, text in grouped(doc):
        lowered = heading.lower()
        for key, prefix in SECTION_KEYS:
            if lowered.startswith(prefix) and key not in found:
                found[key] = text.strip()
    missing = [prefix for key, prefix in SECTION_KEYS if not found.get(key)]
    if missing:
        raise InputError(f"{source}: runbook is missing section(s): {', '.join(missing)}")
    return Runbook(
        category=category,
        title=doc.title,
        meaning=found["meaning"],
        confirm=found["confirm"],
        fix=found["fix"],
        prevent=found["prevent"],
        source=source,
    )


@dataclass(frozen=True, slots=True)
class BuiltinRunbook:
    """One shipped file, parsed once: the Runbook the assistant reads and the document the index stores."""

    file: BuiltinFile
    doc: ParsedDocument
    runbook: Runbook


def load_builtin_runbooks() -> list[BuiltinRunbook]:
    """Every built-in runbook, parsed; InputError if one is malformed or a category repeats (a bug)."""
    out: list[BuiltinRunbook] = []
    seen: set[str] = set()
    for f in builtin_files():
        doc = parse(f.text, fallback_title=f.name, where=f.source)
        book = parse_runbook(doc, f.source)
        if book.category in seen:
            raise InputError(f"{f.source}: category {book.category!r} already has a runbook")
        seen.add(book.category)
        out.append(BuiltinRunbook(f, doc, book))
    return out
