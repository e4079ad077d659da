"""The LLM path through the faces: `kubemedic ask` configured by KUBEMEDIC_LLM_* against the fake
OpenAI-compatible server, and anonymization (names masked on the way out, mapped back in the answer)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli.main import app
from kubemedic.knowledge import KnowledgeBase
from kubemedic.llm import OpenAICompatibleProvider, ProviderConfig, RedactingProvider
from kubemedic.redact import Anonymizer
from kubemedic.service.anonymize import register_state
from kubemedic.service.assistant import AssistantService
from kubemedic.state.snapshot import load_snapshot
from tests.support.fake_llm import FakeLLM, HttpError, Text, ToolCalls

pytestmark = pytest.mark.integration
SNAP = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


@pytest.fixture()
def llm_env(monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLM, tmp_path: Path) -> FakeLLM:
    monkeypatch.setenv("KUBEMEDIC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KUBEMEDIC_LLM_PROVIDER", "vllm")
    monkeypatch.setenv("KUBEMEDIC_LLM_BASE_URL", fake_llm.url)
    monkeypatch.setenv("KUBEMEDIC_LLM_MODEL", "fake-model")
    monkeypatch.setenv("KUBEMEDIC_LLM_TIMEOUT_S", "2")
    monkeypatch.setenv("KUBEMEDIC_LLM_MAX_RETRIES", "0")
    return fake_llm


def test_cli_ask_uses_the_configured_model_and_lists_sources(llm_env: FakeLLM) -> None:
    llm_env.script(
        ToolCalls.of(("get_events", {"namespace": "shop", "kind": "StatefulSet", "name": "postgres"})),
        Text("postgres cannot start: its data directory has the wrong owner; api and db-migrate follow."),
    )
    result = CliRunner().invoke(app, ["ask", "what is wrong in namespace shop", "--snapshot", str(SNAP)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("postgres cannot start")
    assert "Sources:" in result.stdout and "finding:" in result.stdout
    assert len(llm_env.chat_requests()) == 2


def test_cli_ask_falls_back_with_a_note_when_the_model_fails(llm_env: FakeLLM) -> None:
    llm_env.script(HttpError(500))
    result = CliRunner().invoke(app, ["ask", "what is wrong in namespace shop", "--snapshot", str(SNAP)])
    assert result.exit_code == 0, result.output
    assert "1. [error] StatefulSet shop/postgres" in result.stdout
    assert "note: the language model failed (LLMUnavailable" in result.stderr


def test_cli_offline_flag_never_calls_the_model(llm_env: FakeLLM) -> None:
    result = CliRunner().invoke(app, ["ask", "what is wrong", "--offline", "--snapshot", str(SNAP)])
    assert result.exit_code == 0 and llm_env.chat_requests() == []


def test_anonymized_names_never_reach_the_model_and_come_back_in_the_answer(fake_llm: FakeLLM) -> None:
    state = load_snapshot(SNAP).state
    expected = Anonymizer()
    register_state(expected, state)
    masked_db = expected.mask("postgres-0")
    assert masked_db != "postgres-0"
    fake_llm.script(Text(f"{masked_db} crashes: its data directory has the wrong owner"))
    inner = OpenAICompatibleProvider(ProviderConfig(fake_llm.url, "m", timeout_s=2.0))
    service = AssistantService(KnowledgeBase.open(None), RedactingProvider(inner, anonymize=True))

    async def run() -> str:
        facts = await service.facts(state, clock=lambda: state.now)
        try:
            return (await service.ask("what is wrong in namespace shop", facts)).text
        finally:
            await inner.__aexit__(None, None, None)

    answer = asyncio.run(run())
    assert answer == "postgres-0 crashes: its data directory has the wrong owner"
    sent = fake_llm.sent_text()
    for name in ("postgres-0", "api-5b8d7c9f4d-7xk2p", "checkout-config", "ghcr.io/acme-shop"):
        assert name not in sent, name
    assert masked_db in sent
