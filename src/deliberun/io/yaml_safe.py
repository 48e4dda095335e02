"""YAML for the runner's own files (journal, plan): safe, size-capped, no alias bombs.

``yaml.safe_load`` builds no objects but still expands aliases: a 1.2 KB file of
nested ``*a`` references (a "billion laughs") becomes gigabytes when walked.
Aliases themselves are legitimate (PyYAML's own ``dump`` writes ``&id001`` /
``*id001`` for a value used twice, and so do our simulator's files), so they are
allowed, but the document's size *after* expanding every alias is counted on the
composed node graph (linear in the file, never expanded) and a document over
``MAX_NODES`` values, or one that refers to itself, is refused before any Python
object is built. A file over ``MAX_YAML_BYTES`` is refused before parsing.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Largest runner file read [characters]: years of daily journal entries fit in far less.
MAX_YAML_BYTES = 8 << 20
#: Most values (scalars, lists, mappings) a document may expand to, aliases counted
#: at every use: ~50x what 10 years of daily journal entries need.
MAX_NODES = 2_000_000


class _TooBig(Exception):
    pass


def expanded_size(root: yaml.Node, limit: int = MAX_NODES) -> int:
    """Values in ``root`` with every alias expanded (memoised; raises past ``limit``)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _TooBig("refers to itself through an alias")
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > limit:
            raise _TooBig(f"expands to more than {limit} values through aliases")
        sizes[key] = total
        return total

    return size(root)


def load_yaml(text: str, source: str) -> Any:
    """Parse ``text``; ``ValueError`` naming ``source`` for an alias bomb or a too-large file.

    Other YAML errors propagate as ``yaml.YAMLError`` for the caller's own message.
    """
    if len(text) > MAX_YAML_BYTES:
        raise ValueError(
            f"{source}: {len(text)} characters is over the {MAX_YAML_BYTES} limit; split the file"
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            expanded_size(node)
        except _TooBig as exc:
            raise ValueError(
                f"{source}: refused, the document {exc} (a YAML alias bomb?); write the values out"
            ) from None
        except RecursionError:
            raise ValueError(f"{source}: refused, nested too deeply") from None
        return loader.construct_document(node)
    finally:
        loader.dispose()
