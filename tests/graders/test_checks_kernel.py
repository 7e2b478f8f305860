"""The checks inside a real Jupyter kernel: cell code counts as the learner's, no stderr."""

from __future__ import annotations

import jupyter_client
import pytest

LOOP = """
def sigmoid(Z):
    A = np.zeros(Z.shape)
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            z = Z[i, j]
            A[i, j] = 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))
    return A
check_sigmoid(sigmoid)
"""
NAIVE = "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))\ncheck_sigmoid(sigmoid)\n"
GOOD = "def sigmoid(Z):\n    return np.exp(-np.logaddexp(0, -Z))\ncheck_sigmoid(sigmoid)\n"


@pytest.fixture(scope="module")
def kernel():
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code: str) -> list[tuple[str, dict]]:
    msg_id = client.execute(code)
    out = []
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
        if msg["msg_type"] in ("stream", "error", "execute_result"):
            out.append((msg["msg_type"], msg["content"]))


def test_checks_in_a_kernel(kernel):
    setup = "import numpy as np\nfrom graders.checks.activations import check_sigmoid"
    assert run(kernel, setup) == []
    outputs = {name: run(kernel, code) for name, code in
               (("loop", LOOP), ("naive", NAIVE), ("good", GOOD))}  # fmt: skip
    streams = [c for out in outputs.values() for kind, c in out if kind == "stream"]
    assert all(c["name"] == "stdout" for c in streams)  # nothing on stderr
    (kind, error), = outputs["loop"]
    assert kind == "error" and "is not vectorized" in error["evalue"]
    # IPython hides our frames except the one that raises (it always shows the last)
    assert sum("graders/checks/" in line for line in error["traceback"]) == 1
    (kind, error), = outputs["naive"]
    assert kind == "error" and "not numerically stable" in error["evalue"]
    (kind, stream), = outputs["good"]
    assert kind == "stream" and stream["name"] == "stdout"
    assert stream["text"].startswith("✓ sigmoid: 5 cases") and stream["text"].count("\n") == 1
