"""One strict reader for every YAML file a user writes.

The root-cause taxonomy, the monthly plan, parameter files, column mappings and curation files
are all read by `read_yaml`. It composes the document with PyYAML's safe loader, refuses a key
written twice in one mapping, and keeps the line of every key and list item. Each file's own
parser then checks unknown keys and wrong types and reports them through `YamlFile.fail` (or
`YamlFile.check_keys`), so that every mistake is one line naming the file, the line and the key::

    parameters/monthly.yaml, line 12: key 'reports[3].each': expected one of team, agent, ...

Key paths are tuples of mapping keys and list indexes (0-based), written ``reports[3].each``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rca.core.errors import InputError, ParameterError

__all__ = ["KeyPath", "YamlFile", "key_name", "read_yaml", "yaml_error"]

#: Where a value sits in a document: mapping keys and list indexes from the top.
KeyPath = tuple[Hashable, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"


def key_name(keys: Iterable[Hashable]) -> str:
    """Return a key path as people write it: ``("reports", 3, "each")`` -> ``reports[3].each``."""
    out = ""
    for key in keys:
        if isinstance(key, int) and not isinstance(key, bool):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


def yaml_error(
    error: type[InputError] | type[ParameterError],
    path: Path | str,
    line: int | None,
    message: str,
) -> InputError | ParameterError:
    """Build the one-line error ``<path>, line <line>: <message>`` of class ``error``."""
    if error is InputError:
        return InputError(path, message, line=line)
    where = f"{path}, line {line}" if line is not None else str(path)
    return ParameterError(f"{where}: {message}")


@dataclass(frozen=True)
class YamlFile:
    """A YAML document read by `read_yaml`: its data and the line of every key.

    Attributes
    ----------
    path
        The file, as given.
    data
        The document as plain Python values (``None`` for an empty file).
    lines
        Key path -> 1-based line of that key (or list item) in the file.
    error
        Exception class of this kind of file (`InputError` or `ParameterError`).
    """

    path: Path
    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    error: type[InputError] | type[ParameterError] = InputError

    def line(self, keys: Sequence[Hashable] = ()) -> int:
        """Return the line of ``keys``, or of its nearest parent the file has (1 at worst)."""
        keys = tuple(keys)
        for end in range(len(keys), -1, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1

    def fail(self, keys: Sequence[Hashable], message: str) -> InputError | ParameterError:
        """Return the error for a bad value at ``keys`` (the caller raises it).

        The message reads ``<path>, line <n>: key '<keys>': <message>``; without ``keys`` (the
        whole document) it reads ``<path>, line <n>: <message>``.
        """
        where = f"key '{key_name(keys)}': " if keys else ""
        return yaml_error(self.error, self.path, self.line(keys), where + message)

    def check_keys(
        self, keys: Sequence[Hashable], given: Mapping[Any, Any], allowed: Collection[str]
    ) -> None:
        """Raise the one-line error for the first key of ``given`` that is not in ``allowed``.

        ``given`` is the mapping found at ``keys``; the error names the unknown key's own line,
        suggests the closest allowed key and lists them all.
        """
        for key in given:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                full = (*keys, key)
                raise yaml_error(
                    self.error,
                    self.path,
                    self.line(full),
                    f"unknown key '{key_name(full)}'{hint}; expected one of {', '.join(allowed)}",
                )


def _walk(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    keys: KeyPath,
    lines: dict[KeyPath, int],
    fail: Callable[[KeyPath, int, str], Exception],
    stack: frozenset[int],
) -> None:
    """Record the line of every key under ``node``; fail on a key written twice."""
    if id(node) in stack:  # a recursive alias: its keys were recorded on the way down
        return
    stack = stack | {id(node)}
    if isinstance(node, yaml.MappingNode):
        seen: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                key = repr(key)
            line = key_node.start_mark.line + 1
            if key in seen:
                first = seen[key]
                raise fail((*keys, key), line, f"written twice (first at line {first})")
            seen[key] = line
            lines[(*keys, key)] = line
            _walk(loader, value_node, (*keys, key), lines, fail, stack)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*keys, index)] = item.start_mark.line + 1
            _walk(loader, item, (*keys, index), lines, fail, stack)


def read_yaml(
    path: str | Path,
    *,
    error: type[InputError] | type[ParameterError] = InputError,
    what: str = "file",
) -> YamlFile:
    """Read a YAML file strictly.

    Parameters
    ----------
    path
        The file.
    error
        Exception class raised for this kind of file: `InputError` (data and taxonomy files) or
        `ParameterError` (plans and parameter files).
    what
        What the file is, for the message when it cannot be read (``"mapping"``, ...).

    Returns
    -------
    YamlFile
        The data (plain Python values from the safe loader) and the line of every key.

    Raises
    ------
    InputError or ParameterError
        One line naming the file: it cannot be read, it is not valid YAML (with the line), or a
        mapping has a key written twice (with the line and the key).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise yaml_error(error, path, None, f"{what} not found") from None
    except OSError as exc:
        raise yaml_error(error, path, None, f"cannot read {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise yaml_error(error, path, None, f"cannot read {what}: expected UTF-8 text") from None

    def fail(keys: KeyPath, line: int, message: str) -> InputError | ParameterError:
        return yaml_error(error, path, line, f"key '{key_name(keys)}': {message}")

    lines: dict[KeyPath, int] = {}
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlFile(path, None, {}, error)
        _walk(loader, node, (), lines, fail, frozenset())
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark is not None else None
        raise yaml_error(error, path, line, f"not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    return YamlFile(path, data, lines, error)
