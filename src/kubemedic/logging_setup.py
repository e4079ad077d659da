"""Structured logs: JSON lines in production (not a terminal), key=value on a terminal.

Nothing logs Secret data or credentials: messages carry ids, counts, names and timings only.
"""

from __future__ import annotations

import logging
import sys

import structlog


def configure(*, json: bool | None = None, level: int = logging.INFO) -> None:
    as_json = (not sys.stderr.isatty()) if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
