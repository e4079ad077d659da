"""The small typed error hierarchy. Broad exceptions are caught only at boundaries and turned into data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KubemedicError(Exception):
    """Base of every error kubemedic raises on purpose."""


class InputError(KubemedicError):
    """Input from a user (a flag, a file, a request body) is not usable; the message says what and where."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """One file that could not be read, with the line where the parser gave up (1-based, 0 if unknown)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class SnapshotError(InputError):
    """A snapshot directory could not be used at all."""

    def __init__(self, message: str, problems: tuple[ParseProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class ClusterConnectionError(KubemedicError):
    """A cluster could not be reached or refused us (unreachable, unauthorized, forbidden)."""

    def __init__(self, message: str, reason: str = "unreachable") -> None:
        super().__init__(message)
        self.reason = reason
