"""An LLM answer written about masks reads with the real names again."""

from __future__ import annotations

from kubemedic.redact import Anonymizer


def test_answer_is_mapped_back_whole_masks_only() -> None:
    anon = Anonymizer()
    anon.add("checkout", "deployment")
    anon.add("shop", "namespace")
    for i in range(12):
        anon.add(f"worker{i}", "pod")
    prompt = anon.mask("checkout-7f9c-x2k in shop cannot reach 10.1.2.3; worker0 and worker11 restart")
    assert "checkout" not in prompt and "10.1.2.3" not in prompt
    answer = f"From the prompt: {prompt}. deployment-1 in namespace-1 is down; pod-12 and pod-1 crash."
    back = anon.unmask(answer)
    assert "checkout-7f9c-x2k in shop cannot reach 10.1.2.3; worker0 and worker11 restart" in back
    assert "checkout in shop is down; worker11 and worker0 crash." in back


def test_text_without_masks_is_unchanged() -> None:
    anon = Anonymizer()
    assert anon.unmask("nothing to map, deployment-1") == "nothing to map, deployment-1"
    anon.add("api", "deployment")
    assert anon.unmask("deployment-10 and xdeployment-1 stay") == "deployment-10 and xdeployment-1 stay"
