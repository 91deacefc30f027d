"""Learning-rate schedules: step index -> learning rate, vectorised over runs (numpy only).

Each schedule mirrors a torch.optim.lr_scheduler class in closed form: optimizer step ``t``
(0-based) uses the lr torch's scheduler holds after ``t`` calls of ``scheduler.step()``.
Base learning rates are arrays over runs, so one schedule serves a whole grid of lrs.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Schedule:
    """A named schedule with its parameters; call it as ``schedule(t, base_lr)``."""

    name: str
    params: dict
    rule: Callable[[int, np.ndarray], np.ndarray] = field(repr=False, compare=False)

    def __call__(self, t: int, base_lr: np.ndarray) -> np.ndarray:
        return self.rule(t, np.asarray(base_lr, dtype=float))

    def spec(self) -> dict:
        """JSON-able identity, used in the trajectory's content hash."""
        params = {k: (v.spec() if isinstance(v, Schedule) else v) for k, v in self.params.items()}
        return {"name": self.name, **params}


def constant() -> Schedule:
    """The base learning rate at every step."""
    return Schedule("constant", {}, lambda t, lr: lr)


def step(step_size: int, gamma: float = 0.1) -> Schedule:
    """torch StepLR: multiply by ``gamma`` every ``step_size`` steps."""
    _require(step_size >= 1, "step_size must be a whole number >= 1")
    return Schedule("step", {"step_size": step_size, "gamma": gamma},
                    lambda t, lr: lr * gamma ** (t // step_size))


def exponential(gamma: float) -> Schedule:
    """torch ExponentialLR: multiply by ``gamma`` every step."""
    _require(gamma > 0, "gamma must be > 0")
    return Schedule("exponential", {"gamma": gamma}, lambda t, lr: lr * gamma**t)


def cosine(T_max: int, eta_min: float = 0.0) -> Schedule:
    """torch CosineAnnealingLR (closed form): from the base lr down to ``eta_min`` over ``T_max``.

    Past ``T_max`` the closed form climbs back up periodically, as torch's scheduler does.
    """
    _require(T_max >= 1, "T_max must be a whole number >= 1")
    return Schedule("cosine", {"T_max": T_max, "eta_min": eta_min},
                    lambda t, lr: eta_min + (lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2)


def cyclic(max_lr: float, step_size_up: int = 2000, step_size_down: int | None = None) -> Schedule:
    """torch CyclicLR, triangular mode: the base lr is the low end, ``max_lr`` the peak.

    Unlike torch's default, momentum is not cycled (cycle_momentum=False).
    """
    down = step_size_up if step_size_down is None else step_size_down
    _require(step_size_up >= 1 and down >= 1, "step_size_up and step_size_down must be >= 1")
    total = step_size_up + down
    ratio = step_size_up / total

    def rule(t, lr):
        cycle = np.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        return lr + (max_lr - lr) * scale

    return Schedule("cyclic", {"max_lr": max_lr, "step_size_up": step_size_up,
                               "step_size_down": step_size_down}, rule)


def linear_warmup(warmup_steps: int, start_factor: float = 1 / 3,
                  then: Schedule | dict | str | None = None) -> Schedule:
    """torch LinearLR then SequentialLR: ramp from ``start_factor*lr`` to ``lr`` over
    ``warmup_steps``, then run ``then`` (default constant) with its step count restarted at 0.
    """
    _require(warmup_steps >= 1, "warmup_steps must be a whole number >= 1")
    _require(0 < start_factor <= 1, "start_factor must be in (0, 1]")
    after = get_schedule(then)
    _require(after.name != "linear_warmup", "linear_warmup cannot follow another warmup")

    def rule(t, lr):
        if t < warmup_steps:
            return lr * (start_factor + (1 - start_factor) * t / warmup_steps)
        return after(t - warmup_steps, lr)

    return Schedule("linear_warmup", {"warmup_steps": warmup_steps, "start_factor": start_factor,
                                      "then": after}, rule)


SCHEDULES: dict[str, Callable[..., Schedule]] = {
    f.__name__: f for f in (constant, step, exponential, cosine, cyclic, linear_warmup)
}


def get_schedule(spec: Schedule | dict | str | None) -> Schedule:
    """Build a schedule from a name, ``{"name": ..., **params}``, an instance or None (constant)."""
    if spec is None:
        return constant()
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict) or "name" not in spec:
        raise ValueError("schedule must be a name or a table with a 'name' key, "
                         f"e.g. {{name = 'step', step_size = 10}}; got {spec!r}")
    params = dict(spec)
    name = params.pop("name")
    if name not in SCHEDULES:
        close = difflib.get_close_matches(str(name), SCHEDULES, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"unknown schedule '{name}'; choose one of: {', '.join(SCHEDULES)}{hint}")
    factory = SCHEDULES[name]
    valid = list(inspect.signature(factory).parameters)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(f"unknown parameter {', '.join(map(repr, unknown))} for schedule '{name}'; "
                         f"valid: {', '.join(valid) or '(none)'}")
    try:
        return factory(**params)
    except TypeError as exc:
        raise ValueError(f"schedule '{name}': {exc}; valid parameters: {', '.join(valid)}") from None


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)
