"""Each log pattern recognises real lines and ignores look-alikes; the decisive line wins."""

from __future__ import annotations

import pytest

from kubemedic.analyzers.applogs.classify import classify

CASES = [
    (
        "dial tcp 10.96.0.12:5432: connect: connection refused",
        "conn-refused",
        {"host": "10.96.0.12", "port": "5432"},
    ),
    ("Error: connect ECONNREFUSED 10.0.0.1:6379", "conn-refused", {"host": "10.0.0.1", "port": "6379"}),
    ("redis: dial tcp cache.shop:6379: i/o timeout", "conn-timeout", {"host": "cache.shop", "port": "6379"}),
    ("dial tcp: lookup postgres.db on 10.96.0.10:53: no such host", "dns", {}),
    ("getaddrinfo ENOTFOUND api.internal", "dns", {}),
    ("java.net.UnknownHostException: kafka-0.kafka", "dns", {}),
    ("Error: environment variable DATABASE_URL is not set", "missing-config", {"detail": "DATABASE_URL"}),
    (
        "Could not resolve placeholder 'spring.datasource.url' in value",
        "missing-config",
        {"detail4": "spring.datasource.url"},
    ),
    ("open /data/x: permission denied", "permission", {}),
    ("write /var/log/app.log: no space left on device", "disk-full", {}),
    ("x509: certificate has expired or is not yet valid: current time ...", "tls-expired", {}),
    (
        "tls: failed to verify certificate: x509: certificate signed by unknown authority",
        "tls-unknown-ca",
        {},
    ),
    (
        'pods is forbidden: User "system:serviceaccount:shop:api" cannot list resource "pods" in API '
        'group "" '
        'in the namespace "shop"',
        "k8s-forbidden",
        {"sa_ns": "shop", "sa": "api", "verb": "list", "resource": "pods", "namespace": "shop"},
    ),
    ("Exception in thread main java.lang.OutOfMemoryError: Java heap space", "oom-runtime", {}),
    ("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "oom-runtime", {}),
    ("ModuleNotFoundError: No module named 'flask'", "import-error", {}),
    ("Error: Cannot find module '/app/server.js'", "import-error", {}),
    ("panic: runtime error: invalid memory address or nil pointer dereference", "panic", {}),
    ('FATAL:  password authentication failed for user "shop"', "pg-auth", {"user": "shop"}),
    (
        'FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership',
        "pg-wrong-ownership",
        {"detail": "/var/lib/postgresql/data"},
    ),
    ("listen tcp :8080: bind: address already in use", "address-in-use", {}),
]


@pytest.mark.parametrize(("line", "name", "captures"), CASES)
def test_pattern_matches_real_lines(line: str, name: str, captures: dict[str, str]) -> None:
    match = classify(line)
    assert match is not None and match.pattern.name == name
    for key, value in captures.items():
        assert match.capture(key, key + "2") == value


@pytest.mark.parametrize(
    "line",
    [
        "0 errors, 3 warnings",
        "error_count=0",
        "request served in 3ms status=200",
        "ERRORS: 0",
        "no errors found",
    ],
)
def test_look_alikes_do_not_match(line: str) -> None:
    assert classify(line) is None


def test_traceback_quotes_the_exception_not_the_header() -> None:
    log = "\n".join(
        [
            "INFO boot",
            "Traceback (most recent call last):",
            '  File "/app/main.py", line 9, in <module>',
            "    run()",
            "ValueError: invalid literal for int() with base 10: 'abc'",
        ]
    )
    match = classify(log)
    assert match is not None and match.pattern.name == "traceback"
    assert match.line.startswith("ValueError") and match.line_number == 5


def test_traceback_ending_in_a_known_error_is_classified_by_it() -> None:
    log = "Traceback (most recent call last):\n  File \"a.py\", line 1\nKeyError: 'DATABASE_URL'"
    match = classify(log)
    assert (
        match is not None
        and match.pattern.name == "missing-config"
        and match.captures["detail3"] == "DATABASE_URL"
    )


def test_decisive_fatal_beats_an_earlier_and_a_later_generic_line() -> None:
    log = (
        "WARN retrying\nFATAL: something\ndial tcp 10.1.1.1:5432: connect: connection refused\nFATAL exiting"
    )
    match = classify(log)
    assert match is not None and match.pattern.name == "conn-refused" and match.line_number == 3
