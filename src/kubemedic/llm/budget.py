"""Fit a conversation into the model's context: an honest token estimate and a trimming rule.

No tokenizer is downloaded (nothing may be fetched at run time, and every model tokenizes
differently anyway). OpenAI's rule of thumb is ~4 characters per token for English prose; logs,
JSON and YAML are denser (digits, punctuation and IDs split into short tokens), so we count
3 characters per token plus a few tokens of framing per message. That over-estimates prose a bit,
which errs on the side of fitting.

Trimming keeps what an answer cannot do without: every system message and the last user message
(the question). Other messages are dropped lowest `priority` first, then oldest first. An assistant
message that asked for tools and the tool results answering it go or stay together - a tool result
without its call is rejected by OpenAI-compatible servers. If the kept messages alone are still too
long, the longest non-system message (then the system message) is cut in the middle - head and
tail kept, so a fenced block keeps its end marker - until everything fits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kubemedic.llm.types import ChatMessage, ToolSpec

CHARS_PER_TOKEN = 3
MESSAGE_OVERHEAD_TOKENS = 4
_CUT_NOTE = "\n[... {n} characters cut to fit the context budget ...]\n"


def chars_for_tokens(tokens: int) -> int:
    """How many characters of prompt fit `tokens` by this estimate (for callers that budget in characters)."""
    return max(0, tokens) * CHARS_PER_TOKEN


def estimate_tokens(text: str) -> int:
    """Estimated tokens of `text` (ceil of characters / CHARS_PER_TOKEN)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def message_tokens(message: ChatMessage) -> int:
    calls = sum(estimate_tokens(c.name) + estimate_tokens(c.arguments) + 3 for c in message.tool_calls)
    return MESSAGE_OVERHEAD_TOKENS + estimate_tokens(message.content) + calls


def tools_tokens(tools: Sequence[ToolSpec]) -> int:
    return sum(
        estimate_tokens(t.name)
        + estimate_tokens(t.description)
        + estimate_tokens(json.dumps(t.parameters))
        + 8
        for t in tools
    )


@dataclass(frozen=True, slots=True)
class Budgeted:
    """The messages to send, and what was given up to fit (for a log line or an answer's note)."""

    messages: tuple[ChatMessage, ...]
    estimated_tokens: int
    dropped: int = 0
    cut_chars: int = 0


def fit_to_budget(
    messages: Sequence[ChatMessage], max_tokens: int, tools: Sequence[ToolSpec] = ()
) -> Budgeted:
    """The conversation trimmed to at most `max_tokens` estimated tokens (tools included)."""
    budget = max_tokens - tools_tokens(tools)
    sizes = [message_tokens(m) for m in messages]
    total = sum(sizes)
    if total <= budget:
        return Budgeted(tuple(messages), total + tools_tokens(tools))
    pinned = _pinned(messages)
    units = _units(messages, pinned)
    keep = [True] * len(messages)
    dropped = 0
    for unit in sorted(units, key=lambda u: (max(messages[i].priority for i in u), u[0])):
        if total <= budget:
            break
        for i in unit:
            keep[i] = False
            total -= sizes[i]
            dropped += 1
    kept = [m for i, m in enumerate(messages) if keep[i]]
    kept, cut = _cut_longest(kept, budget)
    return Budgeted(tuple(kept), sum(message_tokens(m) for m in kept) + tools_tokens(tools), dropped, cut)


def _pinned(messages: Sequence[ChatMessage]) -> set[int]:
    pinned = {i for i, m in enumerate(messages) if m.role == "system"}
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is not None:
        pinned.add(last_user)
    return pinned


def _units(messages: Sequence[ChatMessage], pinned: set[int]) -> list[list[int]]:
    """Droppable groups: a tool-calling assistant message with its tool results, or one message."""
    units: list[list[int]] = []
    owner: dict[str, list[int]] = {}
    for i, message in enumerate(messages):
        if i in pinned:
            continue
        if message.role == "tool" and message.tool_call_id in owner:
            owner[message.tool_call_id].append(i)
            continue
        unit = [i]
        units.append(unit)
        for call in message.tool_calls:
            owner[call.id] = unit
    return units


def _cut_longest(kept: list[ChatMessage], budget: int) -> tuple[list[ChatMessage], int]:
    cut_total = 0
    while sum(message_tokens(m) for m in kept) > budget:
        over_chars = (sum(message_tokens(m) for m in kept) - budget) * CHARS_PER_TOKEN
        # the question or context before the system message: that holds the rules of the answer
        index = max(range(len(kept)), key=lambda i: (kept[i].role != "system", len(kept[i].content)))
        if len(kept[index].content) < 200:
            index = max(range(len(kept)), key=lambda i: len(kept[i].content))
        content = kept[index].content
        note_len = len(_CUT_NOTE.format(n=len(content)))
        cut = min(len(content), over_chars + note_len)
        if cut <= note_len:  # nothing left worth cutting: send what we have, the server will say
            break
        head = (len(content) - cut) // 2
        tail = len(content) - cut - head
        new = content[:head] + _CUT_NOTE.format(n=cut) + (content[-tail:] if tail else "")
        kept[index] = replace(kept[index], content=new)
        cut_total += cut
    return kept, cut_total
