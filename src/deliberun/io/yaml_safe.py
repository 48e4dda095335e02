"""YAML for the runner's own files (journal, plan): safe, without aliases, size-capped.

``yaml.safe_load`` builds no objects but still expands aliases: a 1.2 KB file of
nested ``*a`` references (a "billion laughs") becomes gigabytes when walked.
The runner's files never need anchors, so an alias is refused where it
appears, and a file over ``MAX_YAML_BYTES`` is refused before parsing.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Largest runner file read [bytes]: years of daily journal entries fit in far less.
MAX_YAML_BYTES = 8 << 20


class NoAliasLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses ``*alias`` references."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in this file", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, source: str) -> Any:
    """Parse ``text``; ``ValueError`` naming ``source`` for aliases or a too-large file.

    Other YAML errors propagate as ``yaml.YAMLError`` for the caller's own message.
    """
    if len(text) > MAX_YAML_BYTES:
        raise ValueError(
            f"{source}: {len(text)} characters is over the {MAX_YAML_BYTES} limit; split the file"
        )
    try:
        return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.composer.ComposerError as exc:
        if "aliases" in str(exc.problem):
            mark = exc.problem_mark
            line = f" (line {mark.line + 1})" if mark is not None else ""
            raise ValueError(
                f"{source}: YAML aliases (*name) are not allowed{line}; write the values out"
            ) from None
        raise
