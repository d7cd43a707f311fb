"""Child process for tests/unit/test_jsii_direct.py: `python tests/unit/jsii_direct_probe.py`.

Starts a jsii kernel with stacks.lazy_providers installed (MCAI_JSII_RELAY in the environment
decides between the direct kernel and jsii's relay), with a node preload that writes one line to
the kernel's stdout and one to its stderr, builds and synthesizes a one-resource app, stops the
kernel as jsii does, and prints one JSON line of facts last on stdout. Exits with os._exit.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

# Only in the kernel (lib/program.js): the relay's own stdout is jsii's channel.
PRELOAD = """if (/program\\.js$/.test(process.argv[1] || "")) {
  process.stdout.write("kernel-says-out\\n");
  process.stderr.write("kernel-says-err\\n");
}
"""


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def main() -> None:
    preload = Path(tempfile.mkdtemp(prefix="direct-probe-")) / "says.js"
    preload.write_text(PRELOAD)
    os.environ["NODE_OPTIONS"] = f"{os.environ.get('NODE_OPTIONS', '')} --require {preload}".strip()
    from stacks.lazy_providers import install

    install(os.environ)
    facts: dict[str, object] = {}
    from cdktf import App, TerraformOutput, TerraformStack
    from cdktf_cdktf_provider_random.provider import RandomProvider
    from cdktf_cdktf_provider_random.string_resource import StringResource
    from jsii._kernel import Kernel

    out = tempfile.mkdtemp(prefix="direct-probe-out-")
    app = App(outdir=out)
    stack = TerraformStack(app, "probe")
    RandomProvider(stack, "random")
    TerraformOutput(stack, "value", value=StringResource(stack, "s", length=8).result)
    app.synth()
    doc = json.loads((Path(out) / "stacks" / "probe" / "cdk.tf.json").read_text())
    facts["output"] = doc["output"]["value"]["value"]

    node_process = Kernel().provider._process  # jsii's _NodeProcess
    kernel = node_process._process
    facts["process_type"] = type(kernel).__name__
    facts["our_children"] = [" ".join(_cmdline(c)[1:]) for c in _children(os.getpid())]
    node_process.stop()
    facts["returncode"] = kernel.returncode
    facts["left_running"] = [c for c in _children(os.getpid()) if Path(f"/proc/{c}").exists()]
    sys.stdout.flush()
    sys.stderr.flush()
    print(json.dumps(facts))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
