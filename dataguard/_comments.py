"""Comments in YAML text: lines of ``# ...`` placed above the entry at a document path.

A suite's comments say what inference observed. PyYAML cannot write comments, so they are put
into the text it wrote: the text is composed again (nodes know their lines), and each comment goes
on its own lines above the key or list item it belongs to, at that entry's indentation. The text
still loads to the same document: comments are not data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dataguard._deferred import yaml

PathPart = str | int
#: Comments by the path of the entry they describe; the empty path is the top of the document.
Comments = Mapping[tuple[PathPart, ...], str]


def with_comments(text: str, comments: Comments) -> str:
    """``text`` (YAML) with each comment above the entry at its path; comments whose entry is
    not in the document are left out."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    above: dict[int, list[str]] = {}
    for path, note in comments.items():
        where = _place(root, path)
        if where is None:
            continue
        line, column = where
        above.setdefault(line, []).extend(
            f"{' ' * column}# {part}".rstrip() for part in note.splitlines()
        )
    out: list[str] = []
    for number, entry in enumerate(text.splitlines(keepends=True)):
        out.extend(f"{comment}\n" for comment in above.get(number, ()))
        out.append(entry)
    return "".join(out)


def _place(root: yaml.Node | None, path: Sequence[PathPart]) -> tuple[int, int] | None:
    """The 0-based line and column where the entry at ``path`` starts: its key in a mapping, its
    dash in a list."""
    if not path:
        return (0, 0)
    node = root
    where: tuple[int, int] | None = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                return None
            key, node = pair
            where = (key.start_mark.line, key.start_mark.column)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return None
            node = node.value[part]
            # Block list items start two columns after their dash ("- ").
            where = (node.start_mark.line, max(node.start_mark.column - 2, 0))
        else:
            return None
    return where
