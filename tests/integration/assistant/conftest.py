"""The fake OpenAI-compatible server (tests/support/fake_llm.py) for the assistant's LLM tests."""

from __future__ import annotations

import pytest

from tests.support.fake_llm import fake_llm, fake_llm_server

__all__ = ["fake_llm", "fake_llm_server"]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"
