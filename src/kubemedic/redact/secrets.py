"""Mask credentials in free text before it leaves the process (LLM prompts first of all).

Pattern-based, because the text comes from everywhere: log lines, events, annotations, env vars,
pasted manifests, tool output. Each rule masks only the secret part and leaves the rest of the line
readable, so `DB_PASSWORD=hunter2 connecting to db` becomes `DB_PASSWORD=[REDACTED:secret]
connecting to db` and the model still sees what the line was about.

Rules run in order, most specific first (a PEM block before the key=value rule that would
otherwise eat only its first line). Masking is idempotent: masking masked text changes nothing.

What is deliberately *not* masked: long hex strings (image digests, git SHAs, UIDs), timestamps,
pod names - there is no generic "high entropy" rule, because it mangles exactly the evidence a
diagnosis needs. Values that are references, not secrets (`${DB_PASSWORD}`, `$(TOKEN)`, `true`,
empty) are kept too.

Exact values known to be secret (e.g. a Secret's data, when a caller has it) can be given to
`SecretMasker(known_values=...)`; they are masked wherever they appear, verbatim or base64-encoded
on their own (not when they are only part of a larger encoded blob - the patterns cover those).

Kubernetes Secret manifests (YAML or JSON) get their `data`/`stringData` values masked whatever
the keys are called - only for objects whose own `kind` is Secret.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MARK = "[REDACTED:{}]"

_SECRET_WORD = (
    r"(?:password|passwd|passphrase|[_.-]pwd|secret|token|api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?"
    r"|private[_-]?key(?:[_-]?id)?|client[_-]?secret|credentials?|auth|session[_-]?(?:id|key)|cookie"
    r"|signature|account[_-]?key|shared[_-]?access[_-]?key|master[_-]?key|encryption[_-]?key)"
)
# A key whose last word is a secret word: DB_PASSWORD, aws_secret_access_key, x-api-key, authToken.
# `secretName`, `tokenExpirationSeconds`, `max_tokens` do not end in one, so they are left alone.
_KEY = rf"[A-Za-z0-9_.-]*{_SECRET_WORD}"
_NOT_A_SECRET = re.compile(
    r"^(?:|\"\"|''|null|none|nil|true|false|yes|no|\*+|<[^>]*>|\$\{[^}]*\}|\$\([^)]*\)|\[REDACTED:[a-z0-9-]+\])$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of secret: a pattern, what the mask says, and which group is the secret part."""

    kind: str
    pattern: re.Pattern[str]
    group: int = 0  # 0 = the whole match is secret


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


RULES: tuple[Rule, ...] = (
    Rule(
        "private-key",
        _rx(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)"
        ),
    ),
    Rule("jwt", _rx(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")),
    Rule("bearer-token", _rx(r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*[^\s\"']*)"), group=1),
    Rule(
        "authorization",
        _rx(
            r"(?i)\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?"
            r"(?:(?:bearer|basic|token|digest|negotiate|ntlm|aws4-hmac-sha256)\s+)?([^\s\"']{8,})"
        ),
        group=1,
    ),
    Rule("aws-access-key-id", _rx(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    Rule("github-token", _rx(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b")),
    Rule("gitlab-token", _rx(r"\bgl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt|oas|agent)-[A-Za-z0-9_-]{20,}")),
    Rule("slack-token", _rx(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    Rule("slack-webhook", _rx(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}")),
    Rule("api-key", _rx(r"\bsk-(?:proj-|ant-api03-)?[A-Za-z0-9_-]{32,}")),
    Rule("google-api-key", _rx(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    Rule(
        "azure-key",
        _rx(
            r"(?i)\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecretValue)\s*=\s*([^;\s\"']+)"
        ),
        group=1,
    ),
    Rule("azure-sas", _rx(r"(?i)[?&;]sig=([A-Za-z0-9%+/=_-]{10,})"), group=1),
    Rule(
        "password",  # scheme://user:password@host - the user stays, it helps to see who connected
        # up to the last `@` before the host, so an unencoded `p@ss` is masked whole
        _rx(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}://[^:/?#@\s\"']*:([^/\s\"']+)@(?=[^@/\s\"']*(?:[/?#\s\"']|$))"),
        group=1,
    ),
    # curl -u user:password, wget --user=... --password is the KEY=value rule below
    Rule("password", _rx(r"(?<!\S)(?:-u|--user)(?:[ \t]+|=)[\"']?[^\s:\"']+:([^\s\"']+)"), group=1),
    # Kubernetes env vars: `- name: DB_PASSWORD` then `value: ...` (YAML) or {"name": ..., "value": ...}
    Rule(
        "secret",
        _rx(rf"(?im)^[ \t]*-?[ \t]*name:[ \t]*[\"']?{_KEY}[\"']?[ \t]*\n[ \t]*value:[ \t]*(\S[^\n]*)$"),
        1,
    ),
    Rule("secret", _rx(rf"(?i)\"name\"\s*:\s*\"{_KEY}\"\s*,\s*\"value\"\s*:\s*\"((?:[^\"\\]|\\.)*)\""), 1),
    # "key": "value" (JSON) anywhere in a line
    Rule("secret", _rx(rf"(?i)[\"']{_KEY}[\"']\s*:\s*\"((?:[^\"\\]|\\.)*)\""), group=1),
    # key: value (YAML) at the start of a line, or after a list dash
    Rule(
        "secret", _rx(rf"(?im)^[ \t]*(?:-[ \t]+)?{_KEY}[ \t]*:[ \t]+([^\n]*?)(?:[ \t]+#.*)?[ \t]*$"), group=1
    ),
    # ?key=value in a query string: the value ends at the next parameter
    Rule("secret", _rx(rf"(?i)[?&]{_KEY}=([^&#\s\"']+)"), group=1),
    # KEY=value (env, logfmt, flags): the value runs to the next blank - passwords contain , ; & ) too
    Rule(
        "secret",
        _rx(rf"(?i)(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]+\s*=){_KEY}\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"']+)"),
        group=1,
    ),
    Rule("secret", _rx(rf"(?i)(?<![A-Za-z0-9_-])--{_KEY}[ \t]+([^\s-][^\s]*)"), group=1),
)

# Kubernetes Secret manifests: every value under data:/stringData: is secret, whatever its key.
_SECRET_KIND = re.compile(r"(?i)(?:^|[\s{,])[\"']?kind[\"']?\s*:\s*[\"']?Secret\b")
_YAML_DATA_KEY = re.compile(r"^([ \t]*(?:-[ \t]+)?)(?:data|stringData):[ \t]*$")
_YAML_ENTRY = re.compile(r"^([ \t]*[\"']?[A-Za-z0-9_.-]+[\"']?[ \t]*:)[ \t]*(\S.*)?$")
_YAML_KIND_SECRET = re.compile(r"^[ \t]*(?:-[ \t]+)*[\"']?kind[\"']?[ \t]*:[ \t]*[\"']?Secret[\"']?[ \t]*$")
_JSON_KIND_SECRET = re.compile(r"\"kind\"\s*:\s*\"Secret\"")
_JSON_DATA_BLOCK = re.compile(r"\"(?:data|stringData)\"\s*:\s*\{([^{}]*)\}")
_JSON_ENTRY = re.compile(r"(\"[^\"]*\"\s*:\s*)\"((?:[^\"\\]|\\.)*)\"")


class SecretMasker:
    """Masks secrets in text; one instance may carry exact values known to be secret."""

    def __init__(self, known_values: Iterable[str] = ()) -> None:
        values: set[str] = set()
        for value in known_values:
            if len(value) >= 4:
                values.add(value)
                values.add(base64.b64encode(value.encode()).decode())
        # longest first, so a value that contains another is masked whole
        ordered = sorted(values, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None

    def mask(self, text: str) -> str:
        """The text with every secret replaced by `[REDACTED:<kind>]`."""
        if not text:
            return text
        if self._known is not None:
            text = self._known.sub(MARK.format("secret-value"), text)
        for rule in RULES:
            text = rule.pattern.sub(_replacer(rule), text)
        if _SECRET_KIND.search(text):
            text = _mask_secret_data(text)
        return text


def mask_secrets(text: str) -> str:
    """Mask by pattern only (no known values): the function most callers want."""
    return _DEFAULT.mask(text)


def _replacer(rule: Rule) -> Callable[[re.Match[str]], str]:
    mark = MARK.format(rule.kind)

    def replace(match: re.Match[str]) -> str:
        if rule.group == 0:
            return mark
        value = match.group(rule.group)
        if _NOT_A_SECRET.match(value.strip().strip("\"'")) or value.startswith("[REDACTED:"):
            return match.group(0)
        start, end = match.span(rule.group)
        offset = match.start()
        whole = match.group(0)
        quote = value[0] if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1 else ""
        masked = f"{quote}{mark}{quote}"
        return whole[: start - offset] + masked + whole[end - offset :]

    return replace


def _mask_secret_data(text: str) -> str:
    """Values under `data:` / `stringData:` of Secret objects in YAML or JSON text.

    Only the data of an object whose own `kind` is Secret is masked: a `kubectl get -o yaml` list of
    Secrets and ConfigMaps keeps the ConfigMaps readable (their values are often the evidence).
    Empty values stay (they say only that a key exists).
    """
    return _mask_json_secret_data(_mask_yaml_secret_data(text))


def _mask_yaml_secret_data(text: str) -> str:
    """In YAML the block is every line below `data:` indented deeper; entries keep their key,
    continuation lines of multi-line values are masked whole."""
    mark = MARK.format("secret-data")
    lines = text.split("\n")
    columns = [_key_column(line) for line in lines]
    out = list(lines)
    for i, line in enumerate(lines):
        found = _YAML_DATA_KEY.match(line)
        if not found or not _yaml_object_is_secret(lines, columns, i):
            continue
        column = len(found.group(1))
        entry_column: int | None = None
        for k in range(i + 1, len(lines)):
            body = lines[k]
            if not body.strip():
                continue
            indent = len(body) - len(body.lstrip(" \t"))
            if indent <= column:
                break
            entry_column = indent if entry_column is None else entry_column
            entry = _YAML_ENTRY.match(body)
            if indent == entry_column and entry:
                value = (entry.group(2) or "").strip()
                if value and value not in ("''", '""', "null", "~") and not value.startswith("[REDACTED:"):
                    out[k] = f"{entry.group(1)} {mark}"
            elif indent != entry_column:
                out[k] = body[:indent] + mark
    return "\n".join(out)


def _key_column(line: str) -> int:
    """Column where a line's mapping key starts (`- kind: X` counts the dash as indentation); -1 if blank."""
    stripped = line.lstrip(" \t")
    if not stripped:
        return -1
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _yaml_object_is_secret(lines: list[str], columns: list[int], index: int) -> bool:
    """Whether the mapping that holds line `index` has `kind: Secret` among its own keys."""
    column = columns[index]

    def starts_item(k: int) -> bool:
        return lines[k].lstrip(" \t").startswith("- ") and columns[k] == column

    def ends(k: int) -> bool:
        return lines[k].startswith("---") or 0 <= columns[k] < column

    def is_kind_secret(k: int) -> bool:
        return columns[k] == column and bool(_YAML_KIND_SECRET.match(lines[k]))

    k = index
    while k > 0 and not starts_item(k):  # up to the mapping's first line
        k -= 1
        if columns[k] < 0:
            continue
        if ends(k):
            break
        if is_kind_secret(k):
            return True
    for k in range(index + 1, len(lines)):
        if columns[k] < 0:
            continue
        if ends(k) or starts_item(k):
            break
        if is_kind_secret(k):
            return True
    return False


def _mask_json_secret_data(text: str) -> str:
    mark = MARK.format("secret-data")

    def json_block(match: re.Match[str]) -> str:
        if not _json_object_is_secret(text, match.start()):
            return match.group(0)
        body = _JSON_ENTRY.sub(
            lambda m: m.group(0) if not m.group(2) else f'{m.group(1)}"{mark}"', match.group(1)
        )
        return match.group(0)[: match.start(1) - match.start()] + body + "}"

    return _JSON_DATA_BLOCK.sub(json_block, text)


def _json_object_is_secret(text: str, position: int) -> bool:
    """Whether the JSON object around `position` has `"kind": "Secret"` at its own level."""
    depth = 0
    start = position
    while start > 0:  # walk back to the unmatched `{` (strings with braces are rare in manifests)
        start -= 1
        char = text[start]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth == 0:
                break
            depth -= 1
    depth = 0
    own: list[str] = []
    for char in text[start + 1 :]:
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            own.append(char)
    return bool(_JSON_KIND_SECRET.search("".join(own)))


_DEFAULT = SecretMasker()
