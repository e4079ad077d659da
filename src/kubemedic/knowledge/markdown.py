"""Split markdown (or plain text) into a title, optional front matter and heading sections.

Passages are what search returns, so they must be small enough to be read and quoted, and large enough to
carry a whole idea: one heading section each, with long sections split at paragraph boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from kubemedic.domain import InputError

MAX_PASSAGE_CHARS = 1800
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster when built
_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Section:
    """One heading and the text under it (`heading` is "" for text before the first heading)."""

    level: int
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    title: str
    meta: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.meta if k == key), None)


def split_front_matter(text: str, where: str) -> tuple[dict[str, str], str]:
    """Return (front matter, body). Front matter is a YAML mapping between `---` lines at the very top."""
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return {}, text
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            raw = "".join(lines[1:i])
            try:
                data = yaml.load(raw, Loader=_YAML_LOADER) or {}
            except yaml.YAMLError as exc:
                raise InputError(f"{where}: front matter is not valid YAML: {exc}") from None
            if not isinstance(data, dict):
                raise InputError(f"{where}: front matter must be a mapping of key: value lines")
            return {str(k): str(v) for k, v in data.items() if v is not None}, "".join(lines[i + 1 :])
    return {}, text


def parse(text: str, *, fallback_title: str, where: str, markdown: bool = True) -> ParsedDocument:
    """Parse a document; plain text (markdown=False) is one untitled section, split later by paragraphs."""
    meta, body = split_front_matter(text, where) if markdown else ({}, text)
    sections: list[Section] = []
    level, heading, buf = 0, "", list[str]()
    in_fence = False
    for line in body.splitlines():
        if markdown and _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence or not markdown else _HEADING.match(line)
        if match:
            sections.append(Section(level, heading, "\n".join(buf).strip()))
            level, heading, buf = len(match.group(1)), match.group(2).strip(), []
        else:
            buf.append(line)
    sections.append(Section(level, heading, "\n".join(buf).strip()))
    title = meta.get("title") or ""
    kept: list[Section] = []
    for sec in sections:
        if sec.level == 1 and not title:
            title = sec.heading
            if sec.text:
                kept.append(Section(1, "", sec.text))
            continue
        if sec.text or sec.heading:
            kept.append(sec)
    return ParsedDocument(
        title=title or fallback_title,
        meta=tuple(sorted(meta.items())),
        sections=tuple(kept),
    )


def chunks(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Split text at blank lines into pieces of about `limit` characters at most (paragraphs stay whole)."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", text):
        if current and len(current) + len(para) + 2 > limit:
            out.append(current)
            current = para
        else:
            current = f"{current}\n\n{para}" if current else para
    if current:
        out.append(current)
    return out


def passages(doc: ParsedDocument) -> list[tuple[str, str]]:
    """(section label, text) pairs to index; a subsection is labelled `Parent > Child` to read on its own."""
    out: list[tuple[str, str]] = []
    parent = ""
    for sec in doc.sections:
        if sec.level <= 2:
            parent = sec.heading
            label = sec.heading
        else:
            label = f"{parent} > {sec.heading}" if parent else sec.heading
        if sec.text:
            out.extend((label, piece) for piece in chunks(sec.text))
    return out


def grouped(doc: ParsedDocument) -> list[tuple[str, str]]:
    """Top-level (`##`) sections with their subsections folded back in as `### heading` lines."""
    groups: list[tuple[str, list[str]]] = []
    for sec in doc.sections:
        if sec.level <= 2 or not groups:
            groups.append((sec.heading, [sec.text]))
        else:
            groups[-1][1].append(f"{'#' * sec.level} {sec.heading}\n\n{sec.text}")
    return [(heading, "\n\n".join(p for p in parts if p)) for heading, parts in groups]
