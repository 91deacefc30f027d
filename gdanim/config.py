"""Scene parameters as data: dataclass fields with help text, built from TOML and key=value.

This is the one place that turns text into params objects, with errors that name the valid
keys and the expected type.
"""

from __future__ import annotations

from dataclasses import MISSING, field, fields


def param(default, help: str):
    """A params dataclass field with a one-line help text (shown by ``gdanim list``)."""
    if isinstance(default, (list, dict, tuple)):
        value = default
        return field(default_factory=lambda: value if isinstance(value, tuple) else type(value)(value),
                     metadata={"help": help})
    return field(default=default, metadata={"help": help})


def param_table(params_cls) -> list[tuple[str, object, str, str]]:
    """(name, default, type, help) for each parameter of a params dataclass."""
    rows = []
    for f in fields(params_cls):
        default = f.default if f.default is not MISSING else f.default_factory()
        rows.append((f.name, default, _type_name(f.type), f.metadata.get("help", "")))
    return rows


def _type_name(annotation) -> str:
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
