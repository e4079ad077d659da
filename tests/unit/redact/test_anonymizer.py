"""Anonymization masks names everywhere - including event messages and log lines - consistently."""

from __future__ import annotations

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.redact import Anonymizer
from kubemedic.service.anonymize import anonymize_report
from kubemedic.service.models import ScanReport, ScanSummary
from tests.factory import container, deployment_with_pods, ingress, node, service, state


def test_same_name_same_mask_and_system_names_kept() -> None:
    anon = Anonymizer()
    anon.add("checkout", "deployment")
    anon.add("shop", "namespace")
    text = "pod checkout in shop: dial tcp 10.1.2.3:5432 refused; checkout retrying; kube-system ok"
    masked = anon.mask(text)
    assert "checkout" not in masked and "shop" not in masked and "10.1.2.3" not in masked
    assert masked.count("deployment-1") == 2
    assert "namespace-1" in masked and "kube-system" in masked
    assert anon.mask("10.1.2.3") == anon.mask("again 10.1.2.3").split()[-1]


def test_hostnames_and_service_dns_names() -> None:
    anon = Anonymizer()
    anon.add("postgres", "service")
    anon.add("shop", "namespace")
    masked = anon.mask("lookup postgres.shop.svc.cluster.local failed; then db.corp.example.com timed out")
    assert "postgres" not in masked and "example" not in masked
    assert "service-1.namespace-1.svc.cluster.local" in masked
    assert "host-1" in masked


def test_java_class_names_are_not_mistaken_for_hosts() -> None:
    assert Anonymizer().mask("java.lang.OutOfMemoryError: Java heap space") == (
        "java.lang.OutOfMemoryError: Java heap space"
    )


def test_images_keep_their_tag() -> None:
    anon = Anonymizer()
    assert anon.add_image("registry.acme.io/shop/api:1.2.3") == "image-1:1.2.3"
    assert "acme" not in anon.mask('Failed to pull image "registry.acme.io/shop/api:1.2.3": not found')


def _summary() -> ScanSummary:
    return ScanSummary("prod-eu", "2026-11-24T12:00:00Z", 1, 1, 1, 1, 1, 0, {}, {}, "error")


def test_report_masks_objects_texts_and_evidence() -> None:
    objs = deployment_with_pods("payments", "billing", containers=[container("api", "ghcr.io/acme/pay:2.0")])
    s = state(objs, service("ledger", "billing"), node("ip-10-0-3-7.eu-west-1.compute.internal"),
              ingress("pay", "billing", host="pay.acme.com"))  # fmt: skip
    finding = Finding(
        object=ObjectRef("Deployment", "billing", "payments", uid="u1"),
        severity=Severity.ERROR,
        category="connectivity",
        title="api: cannot reach ledger",
        message='payments cannot reach ledger.billing:8080 (configmap "pay-secret-config" not found)',
        evidence=(
            Evidence(
                EvidenceSource.LOG,
                "dial tcp 10.96.3.4:8080: connect: connection refused host=pay.acme.com",
                location="logs/billing/payments-x/api.log:3",
            ),
            Evidence(EvidenceSource.EVENT, 'Failed to pull image "ghcr.io/acme/pay:2.0"'),
        ),
        related=(ObjectRef("Service", "billing", "ledger"),),
    )
    report = ScanReport((finding,), (), _summary())
    out = anonymize_report(report, s)
    blob = repr(out)
    for secret in ("payments", "billing", "ledger", "10.96.3.4", "acme", "pay-secret-config", "prod-eu"):
        assert secret not in blob, (secret, blob)
    f = out.findings[0]
    assert f.object.kind == "Deployment" and f.object.uid == ""
    assert f.related[0].name in f.title  # consistent mask in title and related


def test_kubelet_pod_ns_uid_format_is_masked() -> None:
    anon = Anonymizer()
    anon.add("postgres", "statefulset")
    anon.add("shop", "namespace")
    masked = anon.mask(
        "Back-off restarting failed container in pod postgres-0_shop(9395834e-6f07-5c66-bec8-f8076c619f43)"
    )
    assert "postgres" not in masked and "shop" not in masked and "9395834e" not in masked
    assert "statefulset-1-0_namespace-1(uid-1)" in masked
