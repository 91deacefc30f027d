"""Scene parameters as data: dataclass fields with help text, built from TOML and key=value.

This is the one place that turns text into params objects. Errors are one line naming the
valid keys or the expected type, raised as ``ConfigError``.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import reprlib
import shlex
import tomllib
import typing
from dataclasses import MISSING, field, fields
from pathlib import Path


class ConfigError(ValueError):
    """A config or override the user must fix; the message says how."""


MAX_NESTING = 8  # the deepest params (a tour's runs.<name>.landscape.domain) nest 5 levels
MAX_INTEGER = 2**63 - 1  # TOML integers are 64-bit; tomllib reads any size, which floats cannot hold

_BRIEF = reprlib.Repr()
_BRIEF.maxstring = _BRIEF.maxother = 60
_BRIEF.maxlong = 40
_BRIEF.maxlist = _BRIEF.maxtuple = 6
_BRIEF.maxdict = 4
_BRIEF.maxlevel = 3


def brief(value) -> str:
    """repr of a value cut to about a line, so an error echoing a huge input stays one short line."""
    return _BRIEF.repr(value)


def param(default, help: str):
    """A params dataclass field with a one-line help text (shown by ``gdanim list``)."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: _copy(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


def _copy(value):
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def param_table(params_cls) -> list[tuple[str, object, str, str]]:
    """(name, default, type, help) for each parameter of a params dataclass."""
    hints = typing.get_type_hints(params_cls)
    rows = []
    for f in fields(params_cls):
        default = f.default if f.default is not MISSING else f.default_factory()
        rows.append((f.name, default, _type_name(hints[f.name]), f.metadata.get("help", "")))
    return rows


def build_params(params_cls, values: dict, *, where: str = "params"):
    """A params object from ``values`` over the defaults, each value checked against its type."""
    hints = typing.get_type_hints(params_cls)
    valid = [f.name for f in fields(params_cls)]
    checked = {}
    for key, value in values.items():
        if key not in hints or key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"unknown parameter {brief(key)} for {where}{hint}; valid: {', '.join(valid)}")
        checked[key] = coerce(value, hints[key], f"{where}.{key}")
    try:
        return params_cls(**checked)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def coerce(value, annotation, name: str):
    """Check ``value`` (from TOML) against a type annotation, converting lists to tuples."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for option in args:
            try:
                return coerce(value, option, name)
            except ConfigError:
                continue
        raise _type_error(name, value, annotation)
    if annotation is type(None):
        if value is None:
            return None
        raise _type_error(name, value, annotation)
    if annotation is typing.Any:
        return value
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _type_error(name, value, annotation)
    if annotation in (int, str, bool):
        if isinstance(value, annotation) and not (annotation is int and isinstance(value, bool)):
            return value
        raise _type_error(name, value, annotation)
    if origin is typing.Literal:
        if value in args:
            return value
        raise ConfigError(f"{name} must be one of {', '.join(map(repr, args))}, got {brief(value)}")
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise _type_error(name, value, annotation)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(value) != len(args):
                raise _type_error(name, value, annotation)
            return tuple(coerce(v, a, f"{name}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
        item = args[0] if args else typing.Any
        items = [coerce(v, item, f"{name}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict or annotation is dict:
        if isinstance(value, dict):
            return dict(value)
        raise _type_error(name, value, annotation)
    raise ConfigError(f"{name}: unsupported parameter type {_type_name(annotation)}")


def _type_error(name, value, annotation) -> ConfigError:
    return ConfigError(f"{name} expects {_type_name(annotation)}, got {brief(value)}")


def _type_name(annotation) -> str:
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def parse_override(text: str) -> tuple[str, str, object]:
    """``Scene.param=value`` -> (scene, param, value); the value is a TOML literal.

    Bare words that are not TOML (``landscape=rosenbrock``) are taken as strings.
    """
    key, sep, raw = text.partition("=")
    scene, dot, name = key.strip().partition(".")
    if not sep or not dot or not scene or not name:
        raise ConfigError(f"override {brief(text)} must look like Scene.param=value, "
                          "e.g. LearningRateEffects.lrs=[0.01,0.1]")
    raw = raw.strip()
    try:
        value = _toml(f"v = {raw}", key.strip())["v"]
    except tomllib.TOMLDecodeError:
        if raw and all(c.isalnum() or c in "_-." for c in raw):
            value = raw
        else:
            raise ConfigError(f"override {brief(text)}: {brief(raw)} is not a TOML value "
                              "(quote strings, write lists as [1, 2])") from None
    return scene, name, value


def _toml(text: str, where: str) -> dict:
    """tomllib.loads, refusing what no parameter needs and would break later: nesting deeper than
    MAX_NESTING (tomllib's own recursion fails first on thousands of brackets) and integers
    beyond 64 bits."""
    try:
        return _bounded(tomllib.loads(text), where)
    except RecursionError:
        raise ConfigError(f"{where} nests lists or tables more than {MAX_NESTING} deep") from None


def _bounded(value, where: str, depth: int = 0):
    """``value`` unchanged, once it is known to nest at most MAX_NESTING deep and to hold only
    64-bit integers (a bigger one would overflow every float it is turned into)."""
    if depth > MAX_NESTING:
        raise ConfigError(f"{where} nests lists or tables more than {MAX_NESTING} deep")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise ConfigError(f"{where}: the integer {brief(value)} does not fit in 64 bits")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        _bounded(child, where, depth + 1)
    return value


def load_config(path: Path) -> dict:
    """Read a course config: ``[scenes.<Scene>]`` tables of parameter overrides, plus options.

    Returns ``{"scenes": {name: {param: value}}, **other top-level keys}``.
    """
    try:
        data = _toml(Path(path).read_text(), str(path))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found; pass --config FILE or create it") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    scenes = data.get("scenes", {})
    if not isinstance(scenes, dict) or not all(isinstance(v, dict) for v in scenes.values()):
        raise ConfigError(f"{path}: [scenes.<Name>] tables expected, e.g. [scenes.OptimizerRace]")
    return {**data, "scenes": scenes}


def as_dict(params) -> dict:
    """Params object -> plain JSON-able dict (tuples as lists), for manifests and hashes."""
    def plain(v):
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v
    return {k: plain(v) for k, v in dataclasses.asdict(params).items()}


# --- the text form of params: --set values, the command that regenerates a clip -------------

COMMAND_CHARS = 60  # per line of the command; longer commands continue with a backslash


def toml_value(value, bare: bool = True) -> str:
    """A Python value as the TOML literal ``--set`` reads back to the same value (a top-level
    string may stay a bare word, as ``--set`` allows)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        try:  # a bare word is read back as that string unless it is a TOML literal itself
            tomllib.loads(f"v = {value}")
        except tomllib.TOMLDecodeError:
            if bare and value and all(c.isalnum() or c in "_-." for c in value):
                return value
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v, False) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v, False)}" for k, v in value.items()) + "}"
    raise ValueError(f"{value!r} has no TOML form")


def shown_value(value) -> str:
    """A value as the card shows it: like Python's repr, without string quotes."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) + "}"
    return toml_value(value)


def regenerate_command(scene: str, params: dict, defaults: dict, flags: list[str] = ()) -> str:
    """``gdanim render SCENE FLAGS --set SCENE.k=v ...`` for each value that is not the default."""
    parts = ["gdanim", "render", scene, *flags]
    for name, value in params.items():
        if value != defaults.get(name) and value is not None:
            parts += ["--set", shlex.quote(f"{scene}.{name}={toml_value(value)}")]
    return " ".join(parts)


def wrap_command(command: str, width: int = COMMAND_CHARS) -> list[str]:
    """Lines of at most ``width`` characters where possible, broken before an option (an option
    and its value stay together), each but the last ending in `` \\``: still one shell command
    when typed as shown."""
    groups: list[str] = []
    for word in command.split(" "):
        if groups and not word.startswith("--") and groups[-1].startswith("--") and " " not in groups[-1]:
            groups[-1] += " " + word  # an option's value
        elif groups and not word.startswith("--") and not groups[-1].startswith("--"):
            groups[-1] += " " + word  # the command and scene
        else:
            groups.append(word)
    lines: list[str] = []
    for group in groups:
        if lines and len(lines[-1]) + 1 + len(group) <= width - 2:
            lines[-1] += " " + group
        else:
            lines.append(group)
    return [line + " \\" for line in lines[:-1]] + lines[-1:]
