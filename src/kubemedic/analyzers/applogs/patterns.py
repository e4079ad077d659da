"""Fatal log lines of real applications, as data: what each means and what to do.

Ordered by how decisive a line is: a line matching an earlier pattern explains a crash better than
one matching a later pattern. Named groups (host, port, user, sa_ns, sa, verb, resource, group,
namespace, detail) are quoted into the explanation and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubemedic.domain import Severity


@dataclass(frozen=True, slots=True)
class LogPattern:
    name: str
    category: str
    severity: Severity
    regex: re.Pattern[str]
    explanation: str
    remediation: str


def _p(name: str, category: str, regex: str, explanation: str, remediation: str) -> LogPattern:
    return LogPattern(
        name, category, Severity.ERROR, re.compile(regex, re.IGNORECASE), explanation, remediation
    )


_HOSTPORT = r"(?P<host>[A-Za-z0-9][\w.-]*?|\[[0-9a-f:]+\]):(?P<port>\d{2,5})"

PATTERNS: tuple[LogPattern, ...] = (
    _p(
        "k8s-forbidden",
        "rbac",
        r'User "system:serviceaccount:(?P<sa_ns>[\w.-]+):(?P<sa>[\w.-]+)" cannot (?P<verb>\w+) resource "(?P<resource>[\w./-]+)"'
        r'(?: in API group "(?P<group>[\w.-]*)")?(?: in the namespace "(?P<namespace>[\w.-]+)"| at the cluster scope)?',
        "The Kubernetes API refused the pod's service account: it may not {verb} {resource}.",
        "Grant the permission with a Role/RoleBinding (see the rbac finding).",
    ),
    _p(
        "k8s-unauthorized",
        "rbac",
        r"\b(?:401 Unauthorized|Unauthorized\b.*(?:kubernetes|apiserver|k8s))",
        "The Kubernetes API rejected the pod's credentials (service account token missing or invalid).",
        "Check automountServiceAccountToken and that the ServiceAccount exists.",
    ),
    _p(
        "pg-wrong-ownership",
        "permission",
        r'FATAL:\s+data directory "(?P<detail>[^"]+)" has wrong ownership',
        "PostgreSQL refuses to start: its data directory {detail} is owned by another user than the "
        "server runs as.",
        "Fix the volume's ownership: set securityContext.fsGroup (e.g. 999) or run an init container "
        "`chown -R 999:999` on the data directory; check runAsUser.",
    ),
    _p(
        "pg-auth",
        "app-config",
        r'FATAL:\s+password authentication failed for user "(?P<user>[^"]+)"',
        "The database rejected the password for user {user}.",
        "Make the password in the app's Secret match the database user's password.",
    ),
    _p(
        "db-missing",
        "app-config",
        r'FATAL:\s+database "(?P<detail>[^"]+)" does not exist|Unknown database \'(?P<db2>[^\']+)\'',
        "The database the app connects to does not exist.",
        "Create the database (migration/bootstrap job) or fix the database name in the configuration.",
    ),
    _p(
        "mysql-denied",
        "app-config",
        r"Access denied for user '(?P<user>[^']+)'",
        "The database rejected the credentials of user {user}.",
        "Fix the user/password in the app's Secret or grant the user access.",
    ),
    _p(
        "disk-full",
        "disk-full",
        r"no space left on device|ENOSPC|disk full|Disk quota exceeded",
        "The disk the container writes to is full.",
        "Free or grow the volume (PVC size, emptyDir sizeLimit, node disk); clean old data or logs.",
    ),
    _p(
        "oom-runtime",
        "oom",
        r"java\.lang\.OutOfMemoryError|JavaScript heap out of memory|fatal error: runtime: out of memory|"
        r"\bMemoryError\b|Cannot allocate memory|std::bad_alloc|out of memory",
        "The process ran out of memory inside its runtime (heap limit or container limit).",
        "Raise the heap limit and the container memory limit together, or fix the leak.",
    ),
    _p(
        "tls-expired",
        "tls",
        r"certificate has expired|x509: certificate has expired or is not yet valid|CERT_HAS_EXPIRED",
        "A TLS certificate the app checks has expired (or the clock is wrong).",
        "Renew the certificate (cert-manager Certificate, the Secret) and restart the clients.",
    ),
    _p(
        "tls-unknown-ca",
        "tls",
        r"certificate signed by unknown authority|unable to verify the first certificate|"
        r"self[- ]signed certificate|certificate verify failed|PKIX path building failed|SSLHandshakeException",
        "The app does not trust the certificate its peer presents (unknown or private CA).",
        "Mount the CA bundle into the container and point the app at it, or fix the peer's certificate "
        "chain.",
    ),
    _p(
        "tls-hostname",
        "tls",
        r"certificate is valid for .* not|doesn't match any of the subject alternative names",
        "The peer's certificate does not cover the hostname the app connects to.",
        "Connect with a name the certificate covers, or reissue the certificate with that name.",
    ),
    _p(
        "address-in-use",
        "app-config",
        r"address already in use|EADDRINUSE|bind: address already in use",
        "The port the app wants to listen on is taken (two processes, or hostNetwork clash).",
        "Change the listen port or remove the other listener (sidecar, hostNetwork pod).",
    ),
    _p(
        "dns",
        "dns",
        r"no such host|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Name or service not known|"
        r"Temporary failure in name resolution|UnknownHostException|could not translate host name|"
        r"nodename nor servname provided|NXDOMAIN",
        "The app cannot resolve a host name{host_text}.",
        "Check the name (service.namespace.svc.cluster.local), that the Service exists, that CoreDNS runs, "
        "and that no NetworkPolicy blocks egress to port 53.",
    ),
    _p(
        "conn-refused",
        "connectivity",
        r"(?:dial tcp |connect(?:ion)? (?:to )?|could not connect to server.*?)"
        + _HOSTPORT
        + r".{0,80}?(?:connection refused|ECONNREFUSED)"
        + r"|ECONNREFUSED "
        + _HOSTPORT.replace("host", "host2").replace("port", "port2")
        + r"|connection refused|ECONNREFUSED",
        "The app cannot connect to {target}: nothing accepts connections there.",
        "Make sure {target} is up and has ready endpoints; check the host, port and Service selector.",
    ),
    _p(
        "conn-timeout",
        "connectivity",
        r"(?:dial tcp |connect to |timeout connecting to )" + _HOSTPORT + r".{0,60}(?:i/o timeout|timed out)"
        r"|i/o timeout|Connection timed out|ETIMEDOUT|connect timed out",
        "Connecting to {target} timed out: packets are dropped (NetworkPolicy, firewall) or the peer is "
        "overloaded.",
        "Check NetworkPolicies and firewalls between the pods, and the peer's health.",
    ),
    _p(
        "missing-config",
        "app-config",
        r"environment variable (?P<detail>[A-Z_][A-Z0-9_]*) (?:is not set|not set|is required|missing)|"
        r"(?:missing|required) (?:required )?(?:env(?:ironment)? var(?:iable)?|configuration|config|setting)s?[: ]+"
        r"(?P<detail2>[\w.-]+)|KeyError: '(?P<detail3>[A-Z_][A-Z0-9_]*)'|Could not resolve placeholder '(?P<detail4>[^']+)'|"
        r"config(?:uration)? file (?P<detail5>\S+) (?:not found|does not exist)|no such file or directory.*\.(?:ya?ml|json|conf|toml|ini)",
        "The app stops because a required setting is missing{detail_text}.",
        "Provide the setting (env, envFrom ConfigMap/Secret, or mounted config file) and check its name.",
    ),
    _p(
        "permission",
        "permission",
        r"permission denied|EACCES|operation not permitted|read-only file system|EROFS",
        "The process is not allowed to read or write a file it needs (user/group, fsGroup, or a read-only "
        "mount).",
        "Set securityContext (runAsUser/fsGroup) to match the files, or mount the path writable (emptyDir).",
    ),
    _p(
        "import-error",
        "app-crash",
        r"ModuleNotFoundError|ImportError|Cannot find module|ClassNotFoundException|NoClassDefFoundError|"
        r"cannot open shared object file|undefined symbol",
        "The app fails to load its code or a library: the image is incomplete or built for other settings.",
        "Rebuild the image with its dependencies; check the entrypoint and the working directory.",
    ),
    _p(
        "syntax-error",
        "app-crash",
        r"\bSyntaxError\b|ParseError|YAMLException|JSONDecodeError|invalid character .* looking for",
        "The app cannot parse its code or a configuration file.",
        "Fix the file the error names (often a mounted ConfigMap).",
    ),
    _p(
        "panic",
        "app-crash",
        r"^panic: |goroutine \d+ \[running\]|\bFATAL\b|\bfatal error\b|Unhandled exception|"
        r"uncaughtException|Segmentation fault",
        "The app crashed with a fatal error: {line_short}",
        "Read the full log around this line; it names the failing component.",
    ),
)

# A line must contain one of these before any pattern is tried: most log lines are routine.
PREFILTER = re.compile(
    r"refused|timeout|timed out|no such host|enotfound|eai_again|name or service|name resolution|unknownhost|"
    r"translate host|nxdomain|nodename|not set|required|missing|keyerror|placeholder|not found|does not exist|"
    r"permission|eacces|not permitted|read-only|erofs|space left|enospc|quota|certificate|x509|ssl|pkix|"
    r"verify|forbidden|unauthorized|memory|alloc|error|exception|fatal|panic|goroutine|segmentation|"
    r"address already in use|eaddrinuse|access denied|authentication|econnrefused|etimedout|no route",
    re.IGNORECASE,
)
# One stable line per pattern for finding titles ({hostport} and {detail} filled when known).
SUMMARIES: dict[str, str] = {
    "k8s-forbidden": "Kubernetes API refuses the service account",
    "k8s-unauthorized": "Kubernetes API rejects the credentials",
    "pg-wrong-ownership": "PostgreSQL data directory has the wrong owner",
    "pg-auth": "database password rejected",
    "db-missing": "database does not exist",
    "mysql-denied": "database access denied",
    "disk-full": "no space left on device",
    "oom-runtime": "runtime out of memory",
    "tls-expired": "TLS certificate expired",
    "tls-unknown-ca": "TLS certificate not trusted",
    "tls-hostname": "TLS certificate does not match the host",
    "address-in-use": "listen port already in use",
    "dns": "cannot resolve a host name",
    "conn-refused": "connection refused{to_hostport}",
    "conn-timeout": "connection timed out{to_hostport}",
    "missing-config": "required setting missing{detail_text}",
    "permission": "permission denied",
    "import-error": "code or library fails to load",
    "syntax-error": "cannot parse code or configuration",
    "panic": "fatal error",
    "traceback": "unhandled exception",
}

TRACEBACK_HEADER = re.compile(r"^Traceback \(most recent call last\):")
EXCEPTION_LINE = re.compile(r"^(?:[\w.]+(?:Error|Exception|Exit|Interrupt)|[\w.]+\.\w+Error)\b.*")
NOT_AN_ERROR = re.compile(r"\b(?:0 errors?|errors?[=:]\s*0|error_count=0|no errors?)\b", re.IGNORECASE)
