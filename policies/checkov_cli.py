"""checkov's own command line, with its JSON reader on libyaml (run by policies/run.py).

checkov 3.3.30 reads a `cdk.tf.json` through PyYAML's pure-Python `SafeLoader` subclass
(`checkov.common.parsers.yaml.loader.SafeLineLoader`) only to stamp every mapping with its start and
end line. Profiled on the 109-stack plan that parser is about a third of the terraform_json scan
(18.7 of 60 s under cProfile). libyaml (`yaml.CSafeLoader`, shipped in PyYAML's wheel) builds the
same nodes with the same marks, so this entry point swaps the parser and nothing else: the same
constructor, resolver, boolean table and line stamps, then `checkov.main.Checkov().run()` exactly as
the `checkov` console script calls it. tests/policies/test_checkov_cli.py holds both loaders to the
same result on real stacks.

    .venv-checkov/bin/python policies/checkov_cli.py <checkov arguments>
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Hashable
from typing import Any

import yaml
from checkov.common.parsers.yaml import loader


class CSafeLineLoader(yaml.CSafeLoader):  # type: ignore[misc]  # libyaml twin of loader.SafeLineLoader
    bool_values = loader.SafeLineLoader.bool_values

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Hashable, Any]:
        mapping: dict[Hashable, Any] = super().construct_mapping(node, deep=deep)
        mapping["__startline__"] = node.start_mark.line + 1
        mapping["__endline__"] = node.end_mark.line + 1
        return mapping


def use_libyaml() -> None:
    """Make checkov's YAML/JSON-with-lines reader the libyaml one (`loader.loads` looks it up per call)."""
    if not getattr(yaml, "__with_libyaml__", False):
        return  # PyYAML built without libyaml: keep checkov's own (slower, same result)
    loader.SafeLineLoader = CSafeLineLoader  # type: ignore[misc]


def main() -> int:
    use_libyaml()
    from checkov.main import Checkov

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=SyntaxWarning)
        return int(Checkov().run() or 0)


if __name__ == "__main__":
    sys.exit(main())
