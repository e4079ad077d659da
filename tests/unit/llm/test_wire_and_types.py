"""Reading replies from servers that are only more-or-less OpenAI-compatible, and writing messages."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from kubemedic.llm import ChatMessage, LLMBadReply, ToolCall
from kubemedic.llm.wire import delta_text, reply_from_completion, to_wire_messages


def _completion(message: object, finish: object = "stop", usage: object = None) -> object:
    return NS(choices=[NS(message=message, finish_reason=finish)], usage=usage)


def test_a_plain_answer_and_usage() -> None:
    reply = reply_from_completion(
        _completion(NS(content="hi"), usage=NS(prompt_tokens=3, completion_tokens=1))
    )
    assert (reply.text, reply.finish_reason, reply.usage.prompt_tokens, reply.usage.completion_tokens) == (
        "hi",
        "stop",
        3,
        1,
    )


def test_tool_calls_without_ids_or_with_object_arguments_are_accepted() -> None:
    call = NS(id=None, function=NS(name="get_events", arguments={"namespace": "shop"}))
    reply = reply_from_completion(_completion(NS(content=None, tool_calls=[call]), finish=None))
    assert reply.tool_calls == (ToolCall("call_1", "get_events", '{"namespace": "shop"}'),)
    assert reply.text == "" and reply.finish_reason == "tool_calls"


@pytest.mark.parametrize(
    ("completion", "problem"),
    [
        (NS(choices=[]), "no choices"),
        (NS(), "no choices"),
        (NS(choices=[NS(message=None)]), "no message"),
        (_completion(NS(content=["a", "list"])), "content is a list"),
        (
            _completion(NS(content=None, tool_calls=[NS(id="1", function=NS(name="", arguments="{}"))])),
            "no function",
        ),
        (
            _completion(NS(content=None, tool_calls=[NS(id="1", function=NS(name="x", arguments="[1]"))])),
            "JSON object",
        ),
        (
            _completion(NS(content=None, tool_calls=[NS(id="1", function=NS(name="x", arguments="{"))])),
            "not JSON",
        ),
    ],
)
def test_unusable_replies_say_why(completion: object, problem: str) -> None:
    with pytest.raises(LLMBadReply, match=problem):
        reply_from_completion(completion)


def test_a_refusal_is_the_text_when_there_is_no_content() -> None:
    reply = reply_from_completion(_completion(NS(content=None, refusal="I can't help with that")))
    assert reply.text == "I can't help with that"


def test_stream_chunks() -> None:
    assert delta_text(NS(choices=[NS(delta=NS(content="abc"))])) == "abc"
    assert delta_text(NS(choices=[])) == ""  # a usage-only chunk
    assert delta_text(NS(choices=[NS(delta=NS(content=None))])) == ""
    with pytest.raises(LLMBadReply):
        delta_text(NS(error="boom"))


def test_messages_on_the_wire() -> None:
    call = ToolCall("c1", "get_logs", '{"pod": "a"}')
    wire = to_wire_messages(
        [ChatMessage.system("s"), ChatMessage.assistant("", (call,)), ChatMessage.tool("c1", "log")]
    )
    assert wire == [
        {"role": "system", "content": "s"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_logs", "arguments": '{"pod": "a"}'},
                }
            ],
        },
        {"role": "tool", "content": "log", "tool_call_id": "c1"},
    ]


def test_messages_are_immutable() -> None:
    message = ChatMessage.user("q")
    with pytest.raises(AttributeError):
        message.content = "changed"  # type: ignore[misc]
