"""Read an environment file strictly: UTF-8 only, no duplicate keys, every problem with its line.

PyYAML keeps the last of two equal keys without a word, so a second `region:` in a cluster
silently moves it (and orphans its state). The file is composed to a node tree first, which
keeps line numbers, and every mapping is checked for repeated keys before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

# libyaml when PyYAML was built with it (its wheels are): the same documents and marks, several
# times faster. A text libyaml refuses is parsed again by the pure-Python parser, so every syntax
# error keeps PyYAML's own wording and position (the two word some errors differently).
FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> object:
    """yaml.safe_load on libyaml; a YAMLError is PyYAML's pure-Python one."""
    try:
        return yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


@dataclass(frozen=True)
class SourceProblem:
    line: int
    path: str
    message: str


def decode(raw: bytes) -> tuple[str | None, SourceProblem | None]:
    """The text of the file, or the line of its first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        return None, SourceProblem(
            line,
            "(file)",
            f"is not UTF-8 (byte 0x{byte} at line {line}); save the file as UTF-8 "
            "(e.g. `iconv -f latin1 -t utf-8`) and write names in ASCII.",
        )


def duplicate_keys(text: str) -> list[SourceProblem]:
    """Every key written twice in one mapping, with the line of the second one."""
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return []  # the parser reports the syntax error itself
    out: list[SourceProblem] = []
    _walk(root, "", out)
    return out


def _label(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "name"
                and isinstance(value, yaml.ScalarNode)
            ):
                return str(value.value)
    return None


def _walk(node: yaml.Node | None, path: str, out: list[SourceProblem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            child = f"{path}.{name}" if path else str(name)
            if name is not None and name != "<<":
                line = key.start_mark.line + 1
                if name in seen:
                    out.append(
                        SourceProblem(
                            line,
                            child,
                            f"duplicate key '{name}' (first at line {seen[name]}); YAML would keep only the last "
                            "one silently. Delete one of the two.",
                        )
                    )
                else:
                    seen[name] = line
            _walk(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            label = _label(item)
            _walk(item, f"{path}[{i} {label}]" if label else f"{path}[{i}]", out)
