"""Secret masking: every kind of credential is masked, the rest of the line stays readable, and
ordinary log lines (timestamps, UUIDs, digests, pod names) come through unchanged."""

from __future__ import annotations

import base64
import json
import random

import pytest

from kubemedic.redact import SecretMasker, mask_secrets

JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjdHc2xfT2RkIn0"
    ".eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50In0"
    ".dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZS1idXQtbG9va3MtbGlrZS1vbmU"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)


@pytest.mark.parametrize(
    ("text", "secret", "kind", "kept"),
    [
        (f"Authorization: Bearer {JWT}", JWT, "jwt", "Authorization: Bearer"),
        (
            "curl -H 'Authorization: Bearer 8f3a9c0d1e2f4a5b6c7d' http://api",
            "8f3a9c0d1e2f4a5b6c7d",
            "bearer-token",
            "curl -H 'Authorization: Bearer",
        ),
        (
            "authorization: Basic dXNlcjpodW50ZXIy",
            "dXNlcjpodW50ZXIy",
            "authorization",
            "authorization: Basic",
        ),
        (f"token={JWT} rejected", JWT, "jwt", "rejected"),
        ('level=error msg="login failed" DB_PASSWORD=hunter2 user=app', "hunter2", "secret", "user=app"),
        (
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI",
            "secret",
            "export AWS_SECRET_ACCESS_KEY=",
        ),
        ("using key AKIAIOSFODNN7EXAMPLE for s3", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id", "for s3"),
        ('{"user": "app", "password": "s3cr3t-P@ss", "port": 5432}', "s3cr3t-P@ss", "secret", '"port": 5432'),
        ("  client_secret: 9f8e7d6c5b4a  # from vault", "9f8e7d6c5b4a", "secret", "client_secret:"),
        ("- --api-key=abcd1234efgh", "abcd1234efgh", "secret", "--api-key="),
        ("run --password hunter22 --verbose", "hunter22", "secret", "--verbose"),
        (
            "dial postgres://app:Sup3rS3cret@db.shop.svc:5432/orders failed",
            "Sup3rS3cret",
            "password",
            "postgres://app:",
        ),
        ("mongodb+srv://admin:pa55word@cluster0.x1y2z.mongodb.net/test", "pa55word", "password", "admin"),
        ("REDIS_URL=redis://:r3dispass@redis-master:6379/0", "r3dispass", "password", "redis-master:6379"),
        (
            "DefaultEndpointsProtocol=https;AccountName=shopstore;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;"
            "EndpointSuffix=core.windows.net",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
            "azure-key",
            "AccountName=shopstore",
        ),
        (
            "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=q1w2e3r4t5y6u7i8o9p0",
            "q1w2e3r4t5y6u7i8o9p0",
            "azure-key",
            "SharedAccessKeyName=send",
        ),
        (
            "GET https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&se=2026-12-01&sp=r&sig=AbC%2Bd3fGhIjK%3D",
            "AbC%2Bd3fGhIjK%3D",
            "azure-sas",
            "sv=2022-11-02",
        ),
        (
            "git clone with ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 failed",
            "ghp_aBcDeF",
            "github-token",
            "failed",
        ),
        ("CI_JOB_TOKEN glpat-xYz1234567890abcdEFGH used", "glpat-xYz", "gitlab-token", "used"),
        (
            "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-1234",
            "slack-token",
            "slack",
        ),
        (
            "webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "T00000000",
            "slack-webhook",
            "webhook",
        ),
        (
            "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
            "abcdefghijklmnop",
            "api-key",
            "OPENAI_API_KEY=",
        ),
        (f"key file:\n{PEM}\nloaded", "MIIEowIBAAKCAQEA", "private-key", "loaded"),
        (
            "- name: DB_PASSWORD\n  value: hunter2hunter2\n- name: LOG_LEVEL\n  value: debug",
            "hunter2hunter2",
            "secret",
            "value: debug",
        ),
        (
            "curl -sf -u admin:s3cr3tpw https://es.logging.svc:9200/_cluster/health",
            "s3cr3tpw",
            "password",
            "-u admin:",
        ),
        ('{"auths": {"ghcr.io": {"auth": "Ym90OnBAc3M="}}}', "Ym90OnBAc3M=", "secret", "ghcr.io"),
        (
            '{"name": "STRIPE_API_KEY", "value": "rk_live_51Habc"}',
            "rk_live_51Habc",
            "secret",
            "STRIPE_API_KEY",
        ),
    ],
)
def test_each_kind_is_masked_and_the_line_stays_readable(
    text: str, secret: str, kind: str, kept: str
) -> None:
    masked = mask_secrets(text)
    assert secret not in masked
    assert f"[REDACTED:{kind}]" in masked
    assert kept in masked


def test_gcp_service_account_key_file() -> None:
    key = {
        "type": "service_account",
        "project_id": "shop-prod",
        "private_key_id": "3f9a1c0b7e6d5a4f3e2d1c0b9a8f7e6d5c4b3a21",
        "private_key": PEM.replace("RSA ", "") + "\n",
        "client_email": "deployer@shop-prod.iam.gserviceaccount.com",
    }
    masked = mask_secrets(json.dumps(key))
    assert "3f9a1c0b7e6d" not in masked and "MIIEowIBAAKCAQEA" not in masked
    assert "deployer@shop-prod.iam.gserviceaccount.com" in masked and "shop-prod" in masked


def test_secret_manifest_data_is_masked_in_yaml_and_json() -> None:
    yaml_text = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\n  namespace: shop\ntype: Opaque\n"
        "data:\n  username: YXBw\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\n"
        "stringData:\n  config.yaml: |\n    url: https://x\n    retries: 3\nimmutable: false\n"
    )
    masked = mask_secrets(yaml_text)
    assert "YXBw" not in masked and "LS0tLS1CRUdJTi" not in masked and "retries: 3" not in masked
    assert "name: db-creds" in masked and "immutable: false" in masked
    assert "username: [REDACTED:secret-data]" in masked
    as_json = json.dumps(
        {"kind": "Secret", "metadata": {"name": "db-creds"}, "data": {"password": "aHVudGVyMg=="}}
    )
    masked_json = mask_secrets(as_json)
    assert "aHVudGVyMg==" not in masked_json and "db-creds" in masked_json


def test_configmap_data_is_not_masked() -> None:
    text = "kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n  DB_HOST: postgres.shop.svc\n"
    assert mask_secrets(text) == text


def test_known_values_are_masked_also_in_base64() -> None:
    masker = SecretMasker(known_values=["correct-horse-battery", "ab"])
    b64 = base64.b64encode(b"correct-horse-battery").decode()
    masked = masker.mask(f"env VALUE=correct-horse-battery and data {b64} and ab stays")
    assert "correct-horse-battery" not in masked and b64 not in masked
    assert masked.count("[REDACTED:secret-value]") == 2
    assert "ab stays" in masked  # values shorter than 4 characters would mask half the text


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-24T12:00:03.123456Z INFO  request id=7c9e6679-7425-40de-944b-e07fc1f90ae7 took 12ms",
        "Pulling image registry.example.com/shop/api@sha256:"
        "9b2a7d1c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
        "Successfully assigned shop/payments-7f9c8d6b5-x2k4q to node-pool-a-1",
        "Back-off restarting failed container api in pod "
        "api-5d8f7c9b6-qwert_shop(0b8f3c1a-1d2e-4f5a-9b8c-7d6e5f4a3b2c)",
        "commit 3f9a1c0b7e6d5a4f3e2d1c0b9a8f7e6d5c4b3a21 deployed by ci",
        "secretName: tls-cert",
        "automountServiceAccountToken: false",
        "max_tokens=512 temperature=0.2",
        "failed to refresh token: connection refused",
        "env: - name: DB_PASSWORD valueFrom: secretKeyRef: name: db-creds key: password",
        "password: ${DB_PASSWORD}",
        "mounting volume kube-api-access-8x2lp (projected serviceAccountToken)",
        "GET /healthz 200 - user-agent=kube-probe/1.32",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "tokenExpirationSeconds: 3607",
    ],
)
def test_ordinary_lines_are_not_mangled(line: str) -> None:
    assert mask_secrets(line) == line


def test_masking_is_idempotent() -> None:
    text = f"Authorization: Bearer {JWT}\nDB_PASSWORD=hunter2\npostgres://app:pw1234@db/x\n{PEM}"
    once = mask_secrets(text)
    assert mask_secrets(once) == once
    assert SecretMasker(known_values=["hunter2"]).mask(once) == once


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        ("postgres://app:p@ss;w0rd@db.shop.svc:5432/orders", "ss;w0rd", "@db.shop.svc:5432/orders"),
        ("DB_PASSWORD=ab,cd;ef&gh)ij user=app", "cd;ef", "user=app"),
        ("GET /cb?code=1&access_token=abcdef123&state=2 HTTP/1.1", "abcdef123", "&state=2 HTTP/1.1"),
        ("Authorization: Bearer abcdefgh12345678;extra more", "extra", "more"),
    ],
)
def test_punctuation_inside_a_secret_does_not_leak_its_tail(text: str, secret: str, kept: str) -> None:
    masked = mask_secrets(text)
    assert secret not in masked and kept in masked


def test_urls_without_credentials_are_left_alone() -> None:
    text = "fetch https://registry.npmjs.org:443/@types/node and https://medium.com/@user and http://db:5432"
    assert mask_secrets(text) == text


def test_empty_text() -> None:
    assert mask_secrets("") == ""


def test_secret_data_inside_a_list_item() -> None:
    text = (
        "apiVersion: v1\nitems:\n- kind: Secret\n  metadata:\n    name: a\n"
        "- data:\n    token: c2VjcmV0\n  kind: Secret\n"
    )
    masked = mask_secrets(text)
    assert "c2VjcmV0" not in masked and "  kind: Secret" in masked


def test_in_a_list_only_the_secrets_data_is_masked() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: api-config\n"
        "  data:\n    DB_HOST: postgres.shop.svc\n    FEATURE_X: 'true'\n"
        "- apiVersion: v1\n  data:\n    dsn: cG9zdGdyZXM6Ly9hcHA6aHVudGVyMg==\n    username: ''\n"
        "  kind: Secret\n  metadata:\n    name: db-creds\n"
        "- kind: ConfigMap\n  data:\n    LOG_LEVEL: debug\n"
    )
    masked = mask_secrets(text)
    assert "cG9zdGdyZXM6Ly9hcHA6aHVudGVyMg==" not in masked and "dsn: [REDACTED:secret-data]" in masked
    assert "username: ''" in masked  # an empty value says only that the key exists
    assert "DB_HOST: postgres.shop.svc" in masked and "LOG_LEVEL: debug" in masked


def test_json_list_masks_only_secret_objects() -> None:
    items = [
        {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"DB_HOST": "postgres"}},
        {"kind": "Secret", "metadata": {"name": "s"}, "data": {"token": "c2VjcmV0LXRva2Vu", "empty": ""}},
    ]
    masked = mask_secrets(json.dumps({"kind": "List", "items": items}))
    assert "c2VjcmV0LXRva2Vu" not in masked and '"DB_HOST": "postgres"' in masked and '"empty": ""' in masked


def test_random_mixtures_never_fail_and_mask_idempotently() -> None:
    fragments = [
        "password", "=", ": ", '"', "'", "token", " ", "\n", "Bearer ", "abc123def456ghi",
        "eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "postgres://", "u", ":", "p@ss", "@",
        "host", PEM[:31], "MIIEv", PEM[-29:], "kind: Secret", "data:", "  ", "- ", "{", "}", ",",
        "AKIAIOSFODNN7EXAMPLE", "sig=", "&", "?", "AccountKey=", ";", "--api-key", "name: DB_PASSWORD",
        "value: x", "\\", "${X}", "-u admin:pw",
    ]  # fmt: skip
    rng = random.Random(42)
    for _ in range(500):
        text = "".join(rng.choice(fragments) for _ in range(rng.randint(1, 40)))
        once = mask_secrets(text)
        assert mask_secrets(once) == once, text
