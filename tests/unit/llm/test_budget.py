"""The context budget keeps the system message and the question, drops the least useful context first,
keeps tool calls with their results, and cuts a too-long question in the middle rather than failing."""

from __future__ import annotations

from kubemedic.llm import ChatMessage, ToolCall, ToolSpec, chars_for_tokens, estimate_tokens, fit_to_budget
from kubemedic.llm.budget import message_tokens

SYSTEM = ChatMessage.system("You diagnose Kubernetes.")
QUESTION = ChatMessage.user("why is checkout down?")


def _context(name: str, size: int, priority: int = 0) -> ChatMessage:
    return ChatMessage.user(f"[{name}] " + "x" * size, priority=priority)


def test_estimate_is_about_three_characters_per_token() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abc") == 1 and estimate_tokens("abcd") == 2
    assert estimate_tokens("x" * 3000) == 1000


def test_a_conversation_that_fits_is_sent_unchanged() -> None:
    messages = (SYSTEM, _context("a", 300), QUESTION)
    fitted = fit_to_budget(messages, 1000)
    assert fitted.messages == messages and fitted.dropped == 0 and fitted.cut_chars == 0


def test_lowest_priority_then_oldest_context_goes_first() -> None:
    old, newer, important = _context("old", 900), _context("newer", 900), _context("runbook", 900, priority=5)
    messages = [SYSTEM, old, important, newer, QUESTION]
    fitted = fit_to_budget(messages, sum(message_tokens(m) for m in messages) - 100)
    assert fitted.messages == (SYSTEM, important, newer, QUESTION) and fitted.dropped == 1
    fitted = fit_to_budget(messages, sum(message_tokens(m) for m in (SYSTEM, important, QUESTION)) + 5)
    assert fitted.messages == (SYSTEM, important, QUESTION) and fitted.dropped == 2


def test_tool_calls_and_their_results_are_dropped_together() -> None:
    call = ToolCall("call_1", "get_logs", '{"pod": "checkout-0"}')
    asked = ChatMessage.assistant("", (call,))
    result = ChatMessage.tool("call_1", "log line " * 200)
    runbook = _context("runbook", 30, priority=1)
    messages = [SYSTEM, runbook, QUESTION, asked, result]
    fitted = fit_to_budget(messages, sum(message_tokens(m) for m in (SYSTEM, runbook, QUESTION)) + 10)
    assert fitted.messages == (SYSTEM, runbook, QUESTION) and fitted.dropped == 2


def test_the_question_is_kept_even_when_not_last() -> None:
    call = ToolCall("c", "get_events", "{}")
    messages = [
        SYSTEM,
        _context("ctx", 3000),
        QUESTION,
        ChatMessage.assistant("", (call,)),
        ChatMessage.tool("c", "e"),
    ]
    fitted = fit_to_budget(messages, 100)
    assert SYSTEM in fitted.messages and QUESTION in fitted.messages


def test_too_long_pinned_text_is_cut_in_the_middle_keeping_head_and_tail() -> None:
    long_question = ChatMessage.user("HEAD " + "y" * 6000 + " TAIL")
    fitted = fit_to_budget([SYSTEM, long_question], 500)
    [system, question] = fitted.messages
    assert system == SYSTEM
    assert question.content.startswith("HEAD ") and question.content.endswith(" TAIL")
    assert "characters cut to fit the context budget" in question.content
    assert fitted.estimated_tokens <= 500 and fitted.cut_chars > 4000


def test_tools_count_against_the_budget() -> None:
    tool = ToolSpec("get_logs", "d" * 1500)
    messages = [SYSTEM, _context("ctx", 600), QUESTION]
    assert fit_to_budget(messages, 400).dropped == 0
    assert fit_to_budget(messages, 400, [tool]).dropped == 1


def test_the_system_message_is_cut_last() -> None:
    system = ChatMessage.system("RULES " + "r" * 3000)
    question = ChatMessage.user("Q " + "q" * 3000)
    fitted = fit_to_budget([system, question], 1200)
    assert fitted.messages[0] == system and "cut to fit" in fitted.messages[1].content


def test_a_prompt_of_chars_for_tokens_fits_that_many_tokens() -> None:
    question = ChatMessage.user("q" * (chars_for_tokens(1000) - 200))
    fitted = fit_to_budget([SYSTEM, question], 1000)
    assert fitted.messages == (SYSTEM, question) and fitted.cut_chars == 0
