"""A ChatProvider wrapper that masks every outgoing message, so no caller can forget to.

Secrets are masked by pattern in every message (system, question, context, tool results, even tool
call arguments re-sent in the history), plus exact values a caller knows are secret. When
anonymization is on, names, namespaces, IPs and images are replaced consistently on the way out
and mapped back in the answer - text, streamed deltas and tool-call arguments alike - so the user
reads real names and the tool loop gets real object names to look up.

Anonymization needs the names to hide, which only the caller knows (from the cluster state):
`for_request(anonymizer)` gives a wrapper bound to a per-conversation Anonymizer. Without one, a
fresh Anonymizer per call still hides IPs, hostnames, image references and UIDs.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace

from kubemedic.llm.protocol import ChatProvider
from kubemedic.llm.types import ChatMessage, ChatReply, ToolSpec
from kubemedic.redact.anonymizer import Anonymizer
from kubemedic.redact.secrets import SecretMasker

# a streamed delta may end in the middle of a mask ("deploy" + "ment-1"): hold back a trailing word
_TRAILING_WORD = re.compile(r"[A-Za-z0-9_.:@/-]+$")


class RedactingProvider:
    """Masks secrets (and optionally anonymizes) everything sent to `inner`; maps answers back."""

    def __init__(
        self,
        inner: ChatProvider,
        *,
        anonymize: bool = False,
        anonymizer: Anonymizer | None = None,
        known_secrets: Iterable[str] = (),
    ) -> None:
        self.inner = inner
        self.anonymize = anonymize
        self._anonymizer = anonymizer
        self._known = tuple(known_secrets)
        self._masker = SecretMasker(self._known)

    @property
    def label(self) -> str:
        return str(getattr(self.inner, "label", type(self.inner).__name__))

    async def __aenter__(self) -> RedactingProvider:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the wrapped provider's connections (a no-op for providers without any)."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()

    def for_request(
        self, anonymizer: Anonymizer | None = None, known_secrets: Iterable[str] = ()
    ) -> RedactingProvider:
        """The same provider bound to one conversation's Anonymizer and extra known secret values.

        The anonymizer is used only when anonymization is on (the setting decides, not the caller).
        The new wrapper shares the inner provider: close the original, not each request's wrapper.
        """
        return RedactingProvider(
            self.inner,
            anonymize=self.anonymize,
            anonymizer=anonymizer,
            known_secrets=(*self._known, *known_secrets),
        )

    async def complete(
        self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
    ) -> ChatReply:
        anonymizer = self._current_anonymizer()
        reply = await self.inner.complete(self._outgoing(messages, anonymizer), tools)
        if anonymizer is None:
            return reply
        calls = tuple(replace(c, arguments=anonymizer.unmask(c.arguments)) for c in reply.tool_calls)
        return replace(reply, text=anonymizer.unmask(reply.text), tool_calls=calls)

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        anonymizer = self._current_anonymizer()
        deltas = self.inner.stream(self._outgoing(messages, anonymizer))
        if anonymizer is None:
            async for delta in deltas:
                yield delta
            return
        pending = ""
        async for delta in deltas:
            pending += delta
            held = _TRAILING_WORD.search(pending)
            ready, pending = (pending[: held.start()], pending[held.start() :]) if held else (pending, "")
            if ready:
                yield anonymizer.unmask(ready)
        if pending:
            yield anonymizer.unmask(pending)

    def _current_anonymizer(self) -> Anonymizer | None:
        if not self.anonymize:
            return None
        return self._anonymizer or Anonymizer()

    def _outgoing(
        self, messages: Sequence[ChatMessage], anonymizer: Anonymizer | None
    ) -> tuple[ChatMessage, ...]:
        def clean(text: str) -> str:
            text = self._masker.mask(text)
            return anonymizer.mask(text) if anonymizer is not None else text

        return tuple(
            replace(
                m,
                content=clean(m.content),
                tool_calls=tuple(replace(c, arguments=clean(c.arguments)) for c in m.tool_calls),
            )
            for m in messages
        )
