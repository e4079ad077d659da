"""Every kubectl command in a runbook's code blocks is one the real kubectl accepts (subcommand and flags).

kubectl parses its arguments before it talks to a server, so each command runs against an address where
nothing listens: a connection error means the command line was valid; "unknown flag", "unknown command" or a
usage error means a runbook would send an on-call engineer a command that does not work.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kubemedic.knowledge.runbooks import builtin_files

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed"),
]

USAGE_ERRORS = re.compile(
    r"unknown (flag|command|shorthand)|invalid argument|flag needs an argument|required flag|"
    r"accepts \d+ arg|must specify|Usage:",
)


def _commands() -> list[tuple[str, str]]:
    """(runbook file, command) for every `kubectl ...` line inside a fenced code block."""
    out = []
    for f in builtin_files():
        in_code = False
        for line in f.text.splitlines():
            if line.strip().startswith("```"):
                in_code = not in_code
            elif in_code and line.strip().startswith("kubectl "):
                command = re.split(r"\s+#\s", line.strip())[0]  # drop the trailing comment
                command = re.split(r" \| | && | & |;", command)[0].rstrip("\\ ")  # first command of a pipe
                out.append((f.name, command))
    return out


def _check(item: tuple[str, str], home: Path) -> str | None:
    name, command = item
    argv = [*shlex.split(command), "--server=http://127.0.0.1:9", "--request-timeout=1s"]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin", "HOME": str(home)}
    )
    first = (done.stderr.strip().splitlines() or [""])[0]
    return f"{name}: {command}\n    {first}" if USAGE_ERRORS.search(done.stderr) else None


def test_runbook_kubectl_commands_parse(tmp_path: Path) -> None:
    distinct = {command: name for name, command in _commands()}
    commands = [(name, command) for command, name in distinct.items()]
    assert len(commands) > 100
    with ThreadPoolExecutor(max_workers=8) as pool:
        problems = [p for p in pool.map(lambda c: _check(c, tmp_path), commands) if p]
    assert not problems, "commands kubectl rejects:\n" + "\n".join(problems)
