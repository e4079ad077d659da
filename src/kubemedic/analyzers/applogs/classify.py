"""Find the decisive line in a container log: the one that explains why it failed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kubemedic.analyzers.applogs.patterns import (
    EXCEPTION_LINE,
    NOT_AN_ERROR,
    PATTERNS,
    PREFILTER,
    TRACEBACK_HEADER,
    LogPattern,
)
from kubemedic.domain import Severity

TAIL_LINES = 200
TAIL_BYTES = 64 * 1024
TRACEBACK = LogPattern(
    "traceback",
    "app-crash",
    Severity.ERROR,
    re.compile("$^"),
    "The app stopped on an unhandled exception: {line_short}",
    "Fix the code path in the traceback, or the input/configuration it chokes on.",
)


@dataclass(frozen=True, slots=True)
class LogMatch:
    pattern: LogPattern
    line: str
    line_number: int  # 1-based, in the whole log
    captures: dict[str, str] = field(default_factory=dict)

    def capture(self, *names: str) -> str:
        for name in names:
            value = self.captures.get(name)
            if value:
                return value
        return ""


def classify(text: str) -> LogMatch | None:
    """The most decisive match in the last lines of `text`; a later line wins a tie."""
    if len(text) > TAIL_BYTES:
        text = text[-TAIL_BYTES:]
    lines = text.splitlines()
    offset = max(0, len(lines) - TAIL_LINES)
    window = lines[offset:]
    total_before = offset
    best: tuple[int, int, LogMatch] | None = None
    for index in range(len(window) - 1, -1, -1):
        line = window[index].strip()
        if not line or not PREFILTER.search(line) or NOT_AN_ERROR.search(line):
            continue
        for rank, pattern in enumerate(PATTERNS):
            if best is not None and rank >= best[0]:
                break
            match = pattern.regex.search(line)
            if match:
                captures = {k: v for k, v in match.groupdict().items() if v}
                best = (rank, index, LogMatch(pattern, line[:500], total_before + index + 1, captures))
                break
    traceback = _traceback(window, total_before)
    if traceback is not None and (best is None or best[2].pattern.category == "app-crash"):
        return traceback
    return best[2] if best else None


def _traceback(window: list[str], before: int) -> LogMatch | None:
    """A Python traceback: quote its final exception line, not the header."""
    header = None
    for index, line in enumerate(window):
        if TRACEBACK_HEADER.match(line.strip()):
            header = index
    if header is None:
        return None
    for index in range(len(window) - 1, header, -1):
        line = window[index].strip()
        if EXCEPTION_LINE.match(line):
            for pattern in PATTERNS:
                match = pattern.regex.search(line)
                if match and pattern.category != "app-crash":
                    captures = {k: v for k, v in match.groupdict().items() if v}
                    return LogMatch(pattern, line[:500], before + index + 1, captures)
            return LogMatch(TRACEBACK, line[:500], before + index + 1, {})
    return None
