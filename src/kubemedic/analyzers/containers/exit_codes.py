"""What a container's exit code means. Data, tested."""

from __future__ import annotations

EXIT_CODES: dict[int, str] = {
    0: "exited successfully - the process ended although the pod expects it to keep running "
    "(a command that finishes, or restartPolicy Always on a one-shot task)",
    1: "the application failed (a generic error exit; its log says why)",
    2: "misuse of a shell builtin or a bad command-line argument",
    126: "the command is not executable (permission or format problem)",
    127: "the command was not found in the image (wrong entrypoint or PATH)",
    128: "invalid exit argument",
    134: "aborted (SIGABRT) - often an assertion or a fatal runtime error",
    137: "killed with SIGKILL - by the kernel OOM killer, or by the kubelet after a failed liveness probe",
    139: "segmentation fault (SIGSEGV) - a crash in native code",
    143: "terminated with SIGTERM - asked to stop (liveness failure, eviction or shutdown)",
    255: "exited with status 255 - an unspecified fatal error",
}

_SIGNALS = {
    1: "SIGHUP",
    2: "SIGINT",
    3: "SIGQUIT",
    4: "SIGILL",
    6: "SIGABRT",
    8: "SIGFPE",
    9: "SIGKILL",
    11: "SIGSEGV",
    13: "SIGPIPE",
    15: "SIGTERM",
}


def explain_exit(code: int | None) -> str:
    if code is None:
        return "no exit code recorded"
    if code in EXIT_CODES:
        return EXIT_CODES[code]
    if 128 < code < 160:
        sig = code - 128
        return f"killed by signal {sig} ({_SIGNALS.get(sig, 'unknown signal')})"
    return f"the application exited with status {code}"
