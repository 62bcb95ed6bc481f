"""YAML reading that keeps line numbers, so every config, roster and rule error can name its line.

ruamel.yaml's round-trip loader records the position of every mapping key and sequence item
(``.lc``); we use that instead of writing a position tracker of our own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from leadsig.errors import Problem, UserError

MAX_BYTES = 5 * 1024 * 1024  # a config, roster or rule file larger than this is a mistake


def read_text(path: Path, what: str) -> str:
    """Read a user file, turning every OS-level failure into a located, fixable error."""
    shown = str(path)
    if not path.exists():
        raise UserError(
            Problem(f"{what} file not found", file=shown, hint="create it or pass the right path")
        )
    if path.is_dir():
        raise UserError(
            Problem(f"is a directory, expected a {what} file", file=shown, hint="name the YAML file")
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                Problem(
                    f"{what} file is {size} bytes; the limit is {MAX_BYTES}",
                    file=shown,
                    hint="is this the right file?",
                )
            )
        raw = path.read_bytes()
    except PermissionError:
        raise UserError(
            Problem(f"cannot read {what} file: permission denied", file=shown, hint="check its mode")
        ) from None
    except OSError as exc:
        raise UserError(Problem(f"cannot read {what} file: {exc.strerror}", file=shown)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            Problem(
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                file=shown,
                line=line,
                code="encoding",
                hint="save the file as UTF-8",
            )
        ) from None


class BadDateError(ConstructorError):
    """A plain scalar shaped like a date that is no real date (2025-02-30); carries the scalar's position."""


class _LocatedDates(RoundTripConstructor):
    """ruamel raises a bare ValueError, with no position, for an impossible date: attach the node's mark."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:
            raise BadDateError(None, None, f"not a date: {node.value!r} ({exc})", node.start_mark) from None


_LocatedDates.add_constructor("tag:yaml.org,2002:timestamp", _LocatedDates.construct_yaml_timestamp)


def load_yaml(path: Path, what: str, *, allow_empty: bool = False) -> Any:
    """Parse a YAML file with positions; syntax errors and duplicate keys name their line."""
    text = read_text(path, what)
    return parse_yaml(text, str(path), what, allow_empty=allow_empty)


MAX_EXPANDED_NODES = 100_000  # far above any config, roster or rule file; an alias bomb expands past it at once


def _expanded_size(root: Any) -> tuple[int, Any]:
    """Nodes the document expands to when aliases are followed, counted once per node (linear time), and the
    first node past the bound. Aliases share one object, so loading is cheap, but every walk over the data
    (validation, copying) follows them: a few lines of anchors can stand for billions of values."""
    sizes: dict[int, int] = {}
    for node in _post_order(root):
        sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in _children(node))
        if sizes[id(node)] > MAX_EXPANDED_NODES:
            return sizes[id(node)], node
    return sizes.get(id(root), 0), None


def _post_order(root: Any) -> list[Any]:
    out, stack, seen = [], [(root, False)], set()
    while stack:
        node, done = stack.pop()
        if done:
            out.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))
    return out


def _children(node: Any) -> list[Any]:
    """A composed node's children: sequence items, or both sides of each mapping pair."""
    items = node.value if isinstance(node.value, list) else []
    return [c for item in items for c in (item if isinstance(item, tuple) else (item,))]


def _located(message: str, mark: Any, shown: str, code: str, hint: str | None = None) -> UserError:
    return UserError(Problem(message, file=shown, line=mark.line + 1 if mark else None,
                             col=mark.column + 1 if mark else None, code=code, hint=hint))


def _refuse_alias_bombs(yaml: YAML, text: str, shown: str) -> None:
    root = yaml.compose(text)
    if root is None:
        return
    size, node = _expanded_size(root)
    if node is not None:
        mark = node.start_mark
        raise UserError(Problem(f"aliases expand this document past {MAX_EXPANDED_NODES:,} values",
                                file=shown, line=mark.line + 1, col=mark.column + 1, code="yaml-aliases",
                                hint="write the values out, or use fewer nested anchors (&) and aliases (*)"))


def parse_yaml(text: str, shown: str, what: str, *, allow_empty: bool = False) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _LocatedDates
    yaml.allow_duplicate_keys = False
    try:
        if "*" in text and "&" in text:  # only a document with anchors and aliases can expand
            _refuse_alias_bombs(YAML(typ="rt"), text, shown)
        data = yaml.load(text)
    except UserError:
        raise
    except BadDateError as exc:
        raise _located(exc.problem or "not a date", exc.problem_mark, shown, "bad-date",
                       "write a real date as YYYY-MM-DD, e.g. 2025-01-31") from None
    except DuplicateKeyError as exc:
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else None
        raise _located("duplicate key" + (f" {key!r}" if key else ""), exc.problem_mark, shown, "duplicate-key",
                       "each key may appear once") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = exc.problem or exc.context or "invalid YAML"
        raise UserError(
            Problem(
                f"YAML syntax error: {msg}",
                file=shown,
                line=mark.line + 1 if mark else None,
                col=mark.column + 1 if mark else None,
                code="yaml-syntax",
                hint="check indentation, colons and quotes on this line",
            )
        ) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (e.g. bad characters)
        raise UserError(Problem(f"YAML error: {exc}", file=shown, code="yaml-syntax")) from None
    if data is None and not allow_empty:
        raise UserError(
            Problem(
                f"{what} file is empty",
                file=shown,
                line=1,
                code="empty",
                hint=f"see the {what} reference in the README",
            )
        )
    return data


def key_line(node: Any, key: Any) -> tuple[int | None, int | None]:
    """1-based (line, col) of ``key`` in a mapping, or of item ``key`` in a sequence."""
    try:
        if isinstance(node, CommentedMap):
            line, col = node.lc.key(key)
            return line + 1, col + 1
        if isinstance(node, CommentedSeq):
            line, col = node.lc.item(key)
            return line + 1, col + 1
    except (KeyError, IndexError, TypeError):
        pass
    return node_line(node)


def value_line(node: Any, key: Any) -> tuple[int | None, int | None]:
    """1-based (line, col) of the value stored under ``key``."""
    try:
        if isinstance(node, CommentedMap):
            line, col = node.lc.value(key)
            return line + 1, col + 1
    except (KeyError, IndexError, TypeError):
        pass
    return key_line(node, key)


def node_line(node: Any) -> tuple[int | None, int | None]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, (lc.col or 0) + 1
    return None, None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
