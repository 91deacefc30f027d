"""Shared parameter checks for every lesson's Params: one-line errors that name the fix.

Each check raises ValueError (the CLI turns it into one line and exit 2) before anything runs:
known landscapes and optimizers, positive finite rates, starts inside the plotted domain,
sizes within bounds a render can afford.
"""

from __future__ import annotations

import difflib
import math
import numbers

from gdanim.config import brief
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.optimizers import OPTIMIZERS

MAX_STEPS = 5000  # a step budget beyond this is no lesson: minutes of video, memory per run
MAX_RUNS = 64
MAX_VIDEO_SECONDS = 600.0  # a lesson longer than ten minutes is a mistake, and an hour of rendering


def _choices(value, valid) -> str:
    close = difflib.get_close_matches(str(value)[:100], list(valid), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{hint}; choose one of: {', '.join(valid)}"


def landscape(name, params: dict | None = None, what: str = "landscape") -> Landscape:
    """The landscape called ``name`` built with ``params``; unknown names list the valid ones."""
    if not isinstance(name, str) or name not in LANDSCAPES:
        raise ValueError(f"{what}: unknown landscape {brief(name)}{_choices(name, LANDSCAPES)}")
    if params is not None and not isinstance(params, dict):
        raise ValueError(f"{what} parameters must be a table {{name = value}}, got {brief(params)}")
    return get_landscape(name, **(params or {}))


def optimizer(name, what: str = "optimizer") -> str:
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"{what}: unknown optimizer {brief(name)}{_choices(name, OPTIMIZERS)}")
    return name


def optimizers(names, what: str = "optimizers", low: int = 1, high: int = 8) -> list[str]:
    """Distinct known optimizer names, between ``low`` and ``high`` of them."""
    if not isinstance(names, (list, tuple)) or not low <= len(names) <= high:
        raise ValueError(f"{what} must list {low} to {high} optimizer names, got {brief(names)}")
    for name in names:
        optimizer(name, what)
    if len(set(names)) != len(names):
        raise ValueError(f"{what} must not repeat a name, got {brief(list(names))}")
    return list(names)


def number(value, what: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number within [low, high] (open ends where asked)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {brief(value)}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{what} must be in {left}{lo}, {hi}{right}, got {brief(value)}")
    return float(value)


def rate(value, what: str = "lr") -> float:
    """A learning rate: finite and > 0 (and not absurd: a rate above 1e3 only overflows)."""
    return number(value, what, low=0.0, low_open=True, high=1e3)


def rates(values, what: str = "lrs", low: int = 1, high: int = MAX_RUNS) -> list[float]:
    """``low`` to ``high`` distinct learning rates (a repeated one would draw the same run twice)."""
    if not isinstance(values, (list, tuple)) or not low <= len(values) <= high:
        raise ValueError(f"{what} must hold {low} to {high} learning rates, got {brief(values)}")
    checked = [rate(v, f"{what}[{i}]") for i, v in enumerate(values)]
    if len(set(checked)) != len(checked):
        raise ValueError(f"{what} repeats a learning rate ({brief(list(values))}): two runs would be identical; "
                         f"give each run its own rate")
    return checked


def rate_table(table, names, what: str = "lrs") -> dict[str, float]:
    """{optimizer: lr} whose keys are among ``names``."""
    if not isinstance(table, dict):
        raise ValueError(f"{what} must map optimizer names to learning rates, got {brief(table)}")
    stray = sorted(set(table) - set(names))
    if stray:
        raise ValueError(f"{what} names {', '.join(stray)}, which is not among the optimizers "
                         f"{list(names)}; add it there or remove it here")
    return {k: rate(v, f"{what}.{k}") for k, v in table.items()}


def whole(value, what: str, low: int = 1, high: int = MAX_STEPS) -> int:
    """A whole number within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, got {brief(value)}")
    return int(value)


def steps(value, what: str = "steps") -> int:
    return whole(value, what, 1, MAX_STEPS)


def start(land: Landscape, xy, what: str = "start") -> tuple[float, float]:
    """A start inside the landscape's plotted domain; the error gives the domain and its default."""
    if not isinstance(xy, (list, tuple)) or len(xy) != 2:
        raise ValueError(f"{what} must be a point (x, y), got {brief(xy)}")
    x, y = (number(v, what) for v in xy)
    (x0, x1), (y0, y1) = land.domain
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(f"{what} ({x:g}, {y:g}) lies outside the {land.name} plot x in [{x0:g}, {x1:g}], "
                         f"y in [{y0:g}, {y1:g}]; pick a start inside it, e.g. its default "
                         f"({land.default_start[0]:g}, {land.default_start[1]:g})")
    return x, y


def seconds(value, what: str, high: float = 120.0) -> float:
    """An animation duration: >= 0 and below ``high`` seconds."""
    return number(value, what, low=0.0, high=high)


def video_seconds(seconds: float, what: str, fix: str) -> float:
    """A worst-case video length within MAX_VIDEO_SECONDS, refused before any frame is drawn
    (render time and memory grow with it); ``what`` says how it adds up, ``fix`` what to lower."""
    if seconds > MAX_VIDEO_SECONDS:
        raise ValueError(f"{what} = {seconds:g} s of video, over the {MAX_VIDEO_SECONDS:g} s a lesson may last; "
                         f"lower {fix}")
    return seconds
