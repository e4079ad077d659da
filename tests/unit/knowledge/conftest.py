"""Shared fixtures: one in-memory knowledge base with the built-in runbooks (cheap: about 0.1 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kubemedic.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def builtin_kb() -> Iterator[KnowledgeBase]:
    with KnowledgeBase.open(None) as kb:
        yield kb
