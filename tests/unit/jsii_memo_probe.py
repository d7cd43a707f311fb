"""Child process for tests/unit/test_jsii_memo.py: `python tests/unit/jsii_memo_probe.py memo|off|plain`.

Builds a random_password and a random_shuffle in a real jsii kernel, with stacks.lazy_providers
installed (which installs stacks.jsii_memo; `off`: with MCAI_JSII_MEMO=off) or without anything
(plain), reads its properties as the app does, counts the kernel's get
requests, synthesizes, and prints one JSON line of facts. Runs in a child so the pytest process
never loads jsii; exits with os._exit to skip the jsii teardown.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root


def main(mode: str) -> None:
    if mode in ("memo", "off"):
        from stacks.lazy_providers import install

        if mode == "off":
            os.environ["MCAI_JSII_MEMO"] = "off"
        install(os.environ)
    from jsii._kernel.providers.process import ProcessProvider

    gets: list[str] = []
    original = ProcessProvider.get

    def counting_get(self, request):  # type: ignore[no-untyped-def]
        gets.append(request.property)
        return original(self, request)

    ProcessProvider.get = counting_get  # type: ignore[method-assign]

    from cdktf import App, TerraformOutput, TerraformStack
    from cdktf_cdktf_provider_random.password import Password
    from cdktf_cdktf_provider_random.provider import RandomProvider
    from cdktf_cdktf_provider_random.shuffle import Shuffle

    out = tempfile.mkdtemp(prefix="memo-probe-")
    app = App(outdir=out)
    stack = TerraformStack(app, "probe")
    RandomProvider(stack, "random")
    password = Password(stack, "p", length=16)
    facts: dict[str, object] = {}

    before = len(gets)
    first, second, third = password.result, password.result, password.result
    facts["result_gets"] = gets[before:]
    facts["same_token"] = first is second is third

    facts["length_input"] = [password.length_input]
    password.length = 20
    facts["length_input"].append(password.length_input)  # an Input getter reads the configuration

    before = len(gets)
    facts["count"] = [password.count]
    password.count = 2
    facts["count"].append(password.count)  # a cdktf base property is state: always asked
    facts["count_gets"] = gets[before:]

    after_set = password.result  # a set forgot what was known of the object: asked again
    facts["asked_after_set"] = after_set is not first

    shuffle = Shuffle(stack, "sh", input=["a", "b"])
    mine = shuffle.result  # a list attribute: changing this read's list must not change the next
    mine.clear()
    TerraformOutput(stack, "shuffled", value=shuffle.result)

    TerraformOutput(stack, "first", value=first)
    TerraformOutput(stack, "after_set", value=after_set)
    app.synth()
    doc = json.loads((Path(out) / "stacks" / "probe" / "cdk.tf.json").read_text())
    facts["outputs"] = {name: o["value"] for name, o in sorted(doc["output"].items())}
    print(json.dumps(facts))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
