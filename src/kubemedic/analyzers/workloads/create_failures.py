"""Why a controller could not create a pod, read from its FailedCreate event message.

A table of message shapes (quota, LimitRange, admission webhook, PodSecurity, missing service
account) with the words an SRE would use for each. `classify` picks the first rule that matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubemedic.domain import Severity


@dataclass(frozen=True, slots=True)
class CreateRule:
    """One kind of FailedCreate message. Texts are formatted with the pattern's named groups."""

    kind: str
    pattern: re.Pattern[str]
    category: str
    severity: Severity
    title: str
    root_cause: str
    remediation: str


@dataclass(frozen=True, slots=True)
class CreateFailure:
    """A classified FailedCreate message, with the object names it mentions ("" when absent)."""

    kind: str
    category: str
    severity: Severity
    title: str
    root_cause: str
    remediation: str
    quota: str = ""
    webhook: str = ""
    service: str = ""
    service_account: str = ""


RULES: tuple[CreateRule, ...] = (
    CreateRule(
        "quota-exceeded",
        re.compile(
            r"exceeded quota: (?P<quota>[^,\s]+), requested: (?P<requested>\S+?), "
            r"used: (?P<used>\S+?), limited: (?P<limited>\S+)"
        ),
        "quota",
        Severity.ERROR,
        "cannot create pods - exceeded quota {quota}",
        "ResourceQuota {quota} is full: a new pod requests {requested}, but {used} is already used "
        "of the {limited} allowed.",
        "Free room in the namespace (scale down or delete unused workloads), lower the pod's "
        "requests/limits, or raise the quota: `kubectl describe resourcequota {quota}{ns}`.",
    ),
    CreateRule(
        "quota-must-specify",
        re.compile(r"failed quota: (?P<quota>[^:\s]+): must specify (?P<resources>[\w.,\s/-]+\w)"),
        "quota",
        Severity.ERROR,
        "cannot create pods - quota {quota} requires {resources}",
        "ResourceQuota {quota} limits {resources}, so every pod must declare them, and this pod "
        "template does not.",
        "Set resources for every container (and init container) of the pod template, or add a "
        "LimitRange with defaults to the namespace: `kubectl describe resourcequota {quota}{ns}`.",
    ),
    CreateRule(
        "limitrange",
        re.compile(
            r"(?P<bound>maximum|minimum) (?P<resource>[\w.-]+) usage per (?P<scope>\w+) is "
            r"(?P<allowed>[^,\s]+), but (?P<which>limit|request) is (?P<value>[^,\s\]]+)"
        ),
        "quota",
        Severity.ERROR,
        "cannot create pods - LimitRange {bound} {resource} per {scope}",
        "A LimitRange in the namespace allows a {bound} of {allowed} {resource} per {scope}, but the "
        "pod template's {which} is {value}.",
        "Bring the {which} within the LimitRange, or change the LimitRange: "
        "`kubectl describe limitrange{ns}`.",
    ),
    CreateRule(
        "limitrange-ratio",
        re.compile(
            r"(?P<resource>[\w.-]+) max limit to request ratio per (?P<scope>\w+) is (?P<allowed>[^,\s]+), "
            r"but provided ratio is (?P<value>[\d.]+)"
        ),
        "quota",
        Severity.ERROR,
        "cannot create pods - LimitRange {resource} limit/request ratio",
        "A LimitRange allows a {resource} limit at most {allowed} times the request per {scope}; "
        "the pod template asks for {value}.",
        "Raise the request or lower the limit, or change the LimitRange: `kubectl describe limitrange{ns}`.",
    ),
    CreateRule(
        "webhook-service-missing",
        re.compile(r'failed calling webhook "(?P<webhook>[^"]+)":.*service "(?P<service>[^"]+)" not found'),
        "webhook",
        Severity.CRITICAL,
        "cannot create pods - webhook {webhook} service missing",
        'Admission webhook "{webhook}" calls Service {service}, which does not exist, so the API '
        "server rejects every pod it should review.",
        "Restore the webhook's Service (reinstall the operator that owns it), or if it was "
        "uninstalled, delete the stale webhook configuration.",
    ),
    CreateRule(
        "webhook-no-endpoints",
        re.compile(
            r'failed calling webhook "(?P<webhook>[^"]+)":.*'
            r'no endpoints available for service "(?P<service>[^"]+)"'
        ),
        "webhook",
        Severity.CRITICAL,
        "cannot create pods - webhook {webhook} has no endpoints",
        'Admission webhook "{webhook}" calls Service {service}, which has no ready pods, so the API '
        "server rejects every pod it should review.",
        "Get the webhook's pods running again (check their Deployment), or set failurePolicy: Ignore "
        "while it is down.",
    ),
    CreateRule(
        "webhook-unreachable",
        re.compile(r'failed calling webhook "(?P<webhook>[^"]+)": (?P<detail>.+)'),
        "webhook",
        Severity.CRITICAL,
        "cannot create pods - webhook {webhook} unreachable",
        'The API server cannot call admission webhook "{webhook}" ({detail}), so it rejects every '
        "pod the webhook should review.",
        "Check the webhook's Service and pods and that the API server can reach them (network "
        "policies, TLS caBundle).",
    ),
    CreateRule(
        "webhook-denied",
        re.compile(r'admission webhook "(?P<webhook>[^"]+)" denied the request: (?P<detail>.+)'),
        "webhook",
        Severity.ERROR,
        "cannot create pods - denied by webhook {webhook}",
        'Admission webhook "{webhook}" (a policy) rejects the pod template: {detail}',
        "Change the pod template to satisfy the policy, or ask the policy's owners for an exception.",
    ),
    CreateRule(
        "service-account-missing",
        re.compile(
            r"error looking up service account (?P<sa_ns>[^/\s]+)/(?P<service_account>[^:\s]+): "
            r'serviceaccount "[^"]+" not found'
        ),
        "config-reference",
        Severity.ERROR,
        "cannot create pods - ServiceAccount {service_account} missing",
        "The pod template runs as ServiceAccount {service_account}, which does not exist in {sa_ns}, "
        "so the ServiceAccount admission plugin rejects every pod.",
        "Create it (`kubectl create serviceaccount {service_account}{ns}`) or fix "
        "spec.template.spec.serviceAccountName.",
    ),
    CreateRule(
        "pod-security",
        re.compile(r'violates PodSecurity "(?P<level>[^"]+)": (?P<detail>.+)'),
        "container-config",
        Severity.ERROR,
        "cannot create pods - violates PodSecurity {level}",
        'The namespace enforces Pod Security "{level}" and the pod template breaks it: {detail}',
        "Change the pod's securityContext to meet the level, or relabel the namespace "
        "(pod-security.kubernetes.io/enforce) if the workload really needs it.",
    ),
)

FALLBACK = CreateRule(
    "other",
    re.compile(r"(?P<detail>.*)"),
    "workload",
    Severity.ERROR,
    "cannot create pods",
    "The controller's requests to create pods are rejected: {detail}",
    "Read the event and fix what it names: `kubectl describe {kind} {name}{ns}`.",
)


def classify(message: str, *, ns: str = "", kind: str = "", name: str = "") -> CreateFailure:
    """The first rule matching `message`; `ns` is the kubectl `-n` flag text used in remediations."""
    for rule in (*RULES, FALLBACK):
        match = rule.pattern.search(message)
        if match is None:
            continue
        groups = {key: value or "" for key, value in match.groupdict().items()}
        values = {**groups, "ns": ns, "kind": kind.lower(), "name": name}
        return CreateFailure(
            kind=rule.kind,
            category=rule.category,
            severity=rule.severity,
            title=rule.title.format(**values),
            root_cause=rule.root_cause.format(**values),
            remediation=rule.remediation.format(**values),
            quota=groups.get("quota", ""),
            webhook=groups.get("webhook", ""),
            service=groups.get("service", ""),
            service_account=groups.get("service_account", ""),
        )
    raise AssertionError("the fallback rule matches every message")  # pragma: no cover
