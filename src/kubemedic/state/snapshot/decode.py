"""Decode one manifest file (JSON, YAML, multi-document YAML) into raw API objects.

Fast paths: msgspec for JSON (typed records for event lists), libyaml's CSafeLoader for YAML.
Timestamps stay strings, as the API server sends them, whether or not the YAML quoted them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml

from kubemedic.domain import ParseProblem
from kubemedic.state.snapshot.events_fast import decode_events, looks_like_events

_JSON = msgspec.json.Decoder()

try:
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing; pure-Python fallback is slower but correct
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc]
    """SafeLoader without the timestamp resolver, so times stay RFC 3339 strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Objects found in a file; `problem` is set when the file (or one document in it) would not parse."""

    objects: list[Mapping[str, Any]]
    problem: ParseProblem | None = None
    other_documents: int = 0  # documents that are not Kubernetes objects


def decode_file(path: Path) -> Decoded:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Decoded([], ParseProblem(path, 0, f"cannot read: {exc.strerror or exc}"))
    if path.suffix == ".json" or data[:1] in (b"{", b"["):
        return _decode_json(path, data)
    return _decode_yaml(path, data)


def _decode_json(path: Path, data: bytes) -> Decoded:
    if looks_like_events(data):
        events = decode_events(data)
        if events is not None:
            return Decoded(list(events))
    try:
        doc = _JSON.decode(data)
    except msgspec.DecodeError as exc:
        return Decoded([], ParseProblem(path, _line_of(data, str(exc)), f"invalid JSON: {exc}"))
    objects, other = _collect([doc])
    return Decoded(objects, None, other)


_BYTE = re.compile(r"byte (\d+)")


def _line_of(data: bytes, message: str) -> int:
    """msgspec reports the byte offset of a syntax error; users want the line."""
    match = _BYTE.search(message)
    if not match:
        return 0
    return data.count(b"\n", 0, int(match.group(1))) + 1


def _decode_yaml(path: Path, data: bytes) -> Decoded:
    docs: list[Any] = []
    problem = None
    try:
        for doc in yaml.load_all(data, Loader=_Loader):
            docs.append(doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = ParseProblem(path, line, f"invalid YAML: {exc.problem or exc.context or 'parse error'}")
    except yaml.YAMLError as exc:
        problem = ParseProblem(path, 0, f"invalid YAML: {exc}")
    except UnicodeDecodeError as exc:
        problem = ParseProblem(path, 0, f"not UTF-8 text: {exc.reason}")
    objects, other = _collect(docs)
    return Decoded(objects, problem, other)


def _collect(docs: list[Any]) -> tuple[list[Mapping[str, Any]], int]:
    objects: list[Mapping[str, Any]] = []
    other = 0
    for doc in docs:
        if doc is None:
            continue
        found = list(_objects_in(doc))
        if not found:
            other += 1
        objects.extend(found)
    return objects, other


def _objects_in(doc: Any) -> Iterator[Mapping[str, Any]]:
    """Yield API objects from a single object, a `List`/`XxxList`, or a bare JSON array."""
    if isinstance(doc, list):
        for item in doc:
            yield from _objects_in(item)
        return
    if not isinstance(doc, dict):
        return
    kind = doc.get("kind")
    items = doc.get("items")
    if isinstance(items, list) and (not isinstance(kind, str) or kind.endswith("List")):
        item_kind = kind[: -len("List")] if isinstance(kind, str) and kind != "List" else ""
        for item in items:
            if isinstance(item, dict):
                if item_kind and not item.get("kind"):
                    item["kind"] = item_kind  # cluster-info dump lists omit the item kind
                if item.get("kind") and isinstance(item.get("metadata"), dict):
                    yield item
        return
    if isinstance(kind, str) and kind and isinstance(doc.get("metadata"), dict):
        yield doc
