"""Container log text per pod and container: the current and the previous instance."""

from __future__ import annotations

from dataclasses import dataclass, field

LogKey = tuple[str, str, str]  # namespace, pod, container


@dataclass
class ContainerLog:
    current: list[str] = field(default_factory=list)
    previous: list[str] | None = None


class LogBook:
    def __init__(self, max_lines: int = 2000) -> None:
        self._logs: dict[LogKey, ContainerLog] = {}
        self._max = max_lines

    def get(self, namespace: str, pod: str, container: str) -> ContainerLog | None:
        return self._logs.get((namespace, pod, container))

    def write(self, namespace: str, pod: str, container: str, lines: list[str]) -> None:
        log = self._logs.setdefault((namespace, pod, container), ContainerLog())
        log.current.extend(lines)
        if len(log.current) > self._max:
            del log.current[: len(log.current) - self._max]

    def restart(self, namespace: str, pod: str, container: str) -> None:
        """A new container instance: the current log becomes the previous one."""
        log = self._logs.setdefault((namespace, pod, container), ContainerLog())
        log.previous, log.current = log.current, []

    def forget_pod(self, namespace: str, pod: str) -> None:
        for key in [k for k in self._logs if k[0] == namespace and k[1] == pod]:
            del self._logs[key]
