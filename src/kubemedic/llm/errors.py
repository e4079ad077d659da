"""Typed errors of the LLM seam, so callers fall back to the offline answer with a precise note.

Every provider turns whatever its client library raised into one of these; nothing else escapes
`complete` or `stream`.
"""

from __future__ import annotations

from kubemedic.domain.errors import InputError, KubemedicError


class LLMError(KubemedicError):
    """The model could not give a usable answer; the message says why (never the key or the prompt)."""


class LLMTimeout(LLMError):
    """The model did not answer within the configured timeout."""


class LLMUnavailable(LLMError):
    """The endpoint could not be reached, or kept failing (5xx, 429) after the bounded retries."""


class LLMBadReply(LLMError):
    """The endpoint answered with something unusable: malformed JSON, no choices, bad tool-call arguments."""


class LLMRefused(LLMError):
    """The endpoint refused the request (401/403 key, 404 model, 400 request): retrying will not help."""


class LLMConfigError(InputError):
    """The LLM settings are not usable: an unknown preset, a missing base URL, model or key."""
