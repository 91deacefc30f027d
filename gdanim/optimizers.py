"""Optimizer update rules as small composable transforms over arrays of runs (numpy only).

The idea is optax's: an optimizer is a chain of transforms, each an ``init``/``update`` pair
over an immutable state, that turns the gradient into a *direction*; the engine then moves
``params -= lr * direction``. What each rule computes follows torch.optim exactly (same
hyperparameter names, defaults and first-step behaviour). Params are arrays of shape
(n_runs, 2); every hyperparameter is an array of shape (n_runs, 1) so a grid of settings runs
in one vectorised call.

Where the seed lessons write a rule differently, torch wins:
- momentum: torch keeps ``v = momentum*v + (1 - dampening)*g`` with ``v = g`` on step 1, and
  moves by ``lr*v`` (the lesson's ``v = beta*v + g``; identical when dampening is 0).
- RMSProp: torch adds eps *outside* the root, ``g / (sqrt(E[g^2]) + eps)``; the lesson puts it
  inside, ``g / sqrt(E[g^2] + eps)``. The two differ only when E[g^2] is near eps.
- RMSProp's torch default decay is ``alpha=0.99`` (the lesson's "typical beta" is 0.9).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

Array = np.ndarray


class Transform(NamedTuple):
    """A pure gradient transform: ``init(params) -> state``, ``update(g, state, params, t)``.

    ``t`` is the 1-based step count; ``update`` returns ``(direction, new_state)``.
    """

    init: Callable[[Array], Any]
    update: Callable[[Array, Any, Array, int], tuple[Array, Any]]


class EmptyState(NamedTuple):
    pass


class TraceState(NamedTuple):
    velocity: Array


class AdagradState(NamedTuple):
    sum_sq: Array
    precondition: Array


class RMSState(NamedTuple):
    square_avg: Array
    grad_avg: Array
    precondition: Array


class AdamState(NamedTuple):
    velocity: Array  # first moment m: what a "velocity" arrow shows for Adam
    second_moment: Array
    max_second_moment: Array
    precondition: Array


def chain(*transforms: Transform) -> Transform:
    """Apply transforms in order, each feeding its direction to the next."""

    def init(params):
        return tuple(tr.init(params) for tr in transforms)

    def update(g, state, params, t):
        new_state = []
        for tr, s in zip(transforms, state):
            g, s = tr.update(g, s, params, t)
            new_state.append(s)
        return g, tuple(new_state)

    return Transform(init, update)


def add_decayed_weights(weight_decay: Array) -> Transform:
    """L2 penalty as torch applies it: ``g + weight_decay * params``."""

    def update(g, state, params, t):
        return g + weight_decay * params, state

    return Transform(lambda p: EmptyState(), update)


def trace(momentum: Array, dampening: Array, nesterov: bool) -> Transform:
    """torch SGD momentum buffer: ``v = g`` on step 1, then ``v = momentum*v + (1-dampening)*g``.

    Nesterov returns ``g + momentum*v`` (the look-ahead gradient) instead of ``v``.
    """

    def init(params):
        return TraceState(np.zeros_like(params))

    def update(g, state, params, t):
        v = g.copy() if t == 1 else momentum * state.velocity + (1.0 - dampening) * g
        return (g + momentum * v if nesterov else v), TraceState(v)

    return Transform(init, update)


def scale_by_adagrad(lr_decay: Array, initial_accumulator_value: Array, eps: Array) -> Transform:
    """torch Adagrad: ``g / (sqrt(sum g^2) + eps)``, with lr decayed by ``1/(1+(t-1)*lr_decay)``."""

    def init(params):
        ones = np.ones_like(params)
        return AdagradState(initial_accumulator_value * ones, ones)

    def update(g, state, params, t):
        sum_sq = state.sum_sq + g * g
        precondition = 1.0 / ((1.0 + (t - 1) * lr_decay) * (np.sqrt(sum_sq) + eps))
        return g * precondition, AdagradState(sum_sq, precondition)

    return Transform(init, update)


def scale_by_rms(alpha: Array, eps: Array, centered: bool) -> Transform:
    """torch RMSprop: ``g / (sqrt(E[g^2] - E[g]^2 if centered) + eps)``."""

    def init(params):
        zeros = np.zeros_like(params)
        return RMSState(zeros, zeros, np.ones_like(params))

    def update(g, state, params, t):
        square_avg = alpha * state.square_avg + (1.0 - alpha) * g * g
        grad_avg = state.grad_avg
        if centered:
            grad_avg = alpha * grad_avg + (1.0 - alpha) * g
            variance = square_avg - grad_avg * grad_avg
        else:
            variance = square_avg
        precondition = 1.0 / (np.sqrt(variance) + eps)
        return g * precondition, RMSState(square_avg, grad_avg, precondition)

    return Transform(init, update)


def accumulate(momentum: Array) -> Transform:
    """torch RMSprop's momentum buffer: ``buf = momentum*buf + g``, starting from zero."""

    def init(params):
        return TraceState(np.zeros_like(params))

    def update(g, state, params, t):
        v = momentum * state.velocity + g
        return v, TraceState(v)

    return Transform(init, update)


def scale_by_adam(betas: tuple[Array, Array], eps: Array, amsgrad: bool) -> Transform:
    """torch Adam: bias-corrected ``m_hat / (sqrt(v_hat) + eps)``, optionally with AMSGrad's max."""
    beta1, beta2 = betas

    def init(params):
        zeros = np.zeros_like(params)
        return AdamState(zeros, zeros, zeros, np.ones_like(params))

    def update(g, state, params, t):
        m = beta1 * state.velocity + (1.0 - beta1) * g
        v = beta2 * state.second_moment + (1.0 - beta2) * g * g
        v_max = np.maximum(state.max_second_moment, v) if amsgrad else state.max_second_moment
        bias1 = 1.0 - beta1**t
        bias2 = 1.0 - beta2**t
        denom = np.sqrt(v_max if amsgrad else v) / np.sqrt(bias2) + eps
        precondition = 1.0 / denom  # per-coordinate scale of the bias-corrected m_hat
        return (m / bias1) * precondition, AdamState(m, v, v_max, precondition)

    return Transform(init, update)


# --- named optimizers ------------------------------------------------------------------


def _decay(h):
    """The L2 term, left out of the chain when no run uses it (it is the common case)."""
    return [add_decayed_weights(h["weight_decay"])] if np.any(h["weight_decay"] != 0) else []


def _sgd(h):
    parts = _decay(h)
    if np.any(h["momentum"] != 0):
        parts.append(trace(h["momentum"], h["dampening"], bool(h["nesterov"])))
    return chain(*parts)


def _adagrad(h):
    return chain(*_decay(h), scale_by_adagrad(h["lr_decay"], h["initial_accumulator_value"], h["eps"]))


def _rmsprop(h):
    parts = [*_decay(h), scale_by_rms(h["alpha"], h["eps"], bool(h["centered"]))]
    if np.any(h["momentum"] != 0):
        parts.append(accumulate(h["momentum"]))
    return chain(*parts)


def _adam(h):
    return chain(*_decay(h), scale_by_adam(h["betas"], h["eps"], bool(h["amsgrad"])))


def _adamw(h):
    # Decoupled decay: torch does p *= 1 - lr*wd before the Adam step, i.e. direction += wd*p.
    return chain(scale_by_adam(h["betas"], h["eps"], bool(h["amsgrad"])), *_decay(h))


SGD_DEFAULTS = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
ADAM_DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}

# Okabe-Ito colours (safe for the common colour-vision deficiencies): one per optimizer, the
# same in every scene. The theme and the captions read them from the specs below. SGD is white
# and Nesterov a light violet instead of Okabe-Ito's grey and dark blue, which sink into the
# grey maps and sit too close to momentum's sky blue (tests/test_theme.py measures it).
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "grey": "#BBBBBB",
}

# hyperparameter -> (test, what it must be), following torch.optim's own constructor checks
HYPERPARAMETER_RANGES = {
    "lr": (lambda a: a > 0, "> 0"),
    "momentum": (lambda a: a >= 0, ">= 0"),
    "weight_decay": (lambda a: a >= 0, ">= 0"),
    "eps": (lambda a: a >= 0, ">= 0"),
    "lr_decay": (lambda a: a >= 0, ">= 0"),
    "initial_accumulator_value": (lambda a: a >= 0, ">= 0"),
    "alpha": (lambda a: (a >= 0) & (a <= 1), "in [0, 1]"),
    "betas": (lambda a: (a >= 0) & (a < 1), "in [0, 1)"),
}


@dataclass(frozen=True)
class OptimizerSpec:
    """A named optimizer: the one place for its torch defaults, which of them it pins, how to
    build it, and how lessons show it (name, colour, update rule).

    ``rule`` holds the update rule as TeX lines in the lessons' notation (torch's update, see
    the module notes); single-letter symbols to colour are marked ``{{ }}``.
    """

    name: str
    defaults: dict
    build: Callable[[dict], Transform]
    title: str
    color: str
    rule: tuple[str, ...]
    step_idea: str = ""  # how one step uses the slope, as a caption ends "Each step ..."
    fixed: tuple[str, ...] = ()  # hyperparameters that this name pins (e.g. gd has no momentum)
    summary: str = ""

    @property
    def ranges(self) -> dict[str, str]:
        """Each numeric hyperparameter's valid range, as the error messages state it."""
        return {k: HYPERPARAMETER_RANGES[k][1] for k in self.defaults if k in HYPERPARAMETER_RANGES}


# Nesterov's gradient is taken at the look-ahead point theta - alpha*beta*v. torch (and the
# engine) store that look-ahead point itself as the parameters, which turns the rule into the
# shifted form on the card's last line: same path, seen one look-ahead ahead.
NESTEROV_RULE = (
    r"{{v}} \leftarrow \beta {{v}} + \nabla L(\theta - \alpha \beta {{v}})",
    r"\theta \leftarrow \theta - \alpha {{v}}",
    r"\text{torch: } \tilde\theta = \theta - \alpha\beta {{v}}, \;\;"
    r"\tilde\theta \leftarrow \tilde\theta - \alpha \, (\nabla L(\tilde\theta) + \beta {{v}})",
)

OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec("gd", SGD_DEFAULTS, _sgd, "GD", OKABE_ITO["vermillion"],
                      (r"\theta \leftarrow \theta - \alpha \, \nabla L(\theta)",),
                      fixed=("momentum", "dampening", "nesterov"),
                      step_idea="sees only the local slope", summary="plain gradient descent: theta -= lr * grad"),
        OptimizerSpec("sgd", SGD_DEFAULTS, _sgd, "SGD", "#FFFFFF",
                      (r"\theta \leftarrow \theta - \alpha \, {{g}}",),
                      step_idea="sees only the local slope (a sampled one when stochastic)",
                      summary="torch.optim.SGD (stochastic with noise= or batch_size=)"),
        OptimizerSpec("momentum", {**SGD_DEFAULTS, "momentum": 0.9}, _sgd, "momentum", OKABE_ITO["sky_blue"],
                      (r"{{v}} \leftarrow \beta {{v}} + \nabla L(\theta)", r"\theta \leftarrow \theta - \alpha {{v}}"),
                      step_idea="adds the slope to a velocity built from past slopes",
                      fixed=("nesterov",), summary="SGD with heavy-ball momentum 0.9"),
        OptimizerSpec("nesterov", {**SGD_DEFAULTS, "momentum": 0.9, "nesterov": True}, _sgd, "Nesterov",
                      "#A58BFF", NESTEROV_RULE, fixed=("nesterov",),
                      step_idea="adds the slope, taken one look-ahead on, to a velocity of past slopes",
                      summary="SGD with Nesterov momentum 0.9"),
        OptimizerSpec("adagrad", {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0,
                                  "initial_accumulator_value": 0.0, "eps": 1e-10}, _adagrad, "AdaGrad",
                      OKABE_ITO["yellow"],
                      (r"G \leftarrow G + {{g}}^2", r"\theta \leftarrow \theta - \frac{\alpha}{\sqrt{G} + \epsilon} \, {{g}}"),
                      step_idea="divides the slope, per coordinate, by the root of all past squared slopes",
                      summary="torch.optim.Adagrad: per-coordinate steps shrink with summed g^2"),
        OptimizerSpec("rmsprop", {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
                                  "momentum": 0.0, "centered": False}, _rmsprop, "RMSprop",
                      OKABE_ITO["bluish_green"],
                      (r"E[g^2] \leftarrow \rho E[g^2] + (1-\rho) {{g}}^2",
                       r"\theta \leftarrow \theta - \frac{\alpha}{\sqrt{E[g^2]} + \epsilon} \, {{g}}"),
                      step_idea="divides the slope, per coordinate, by a running size of recent slopes",
                      summary="torch.optim.RMSprop: steps scaled by a running RMS of g"),
        OptimizerSpec("adam", ADAM_DEFAULTS, _adam, "Adam", OKABE_ITO["orange"],
                      (r"m \leftarrow \beta_1 m + (1-\beta_1) {{g}}", r"v \leftarrow \beta_2 v + (1-\beta_2) {{g}}^2",
                       r"\theta \leftarrow \theta - \alpha \, \frac{\hat m}{\sqrt{\hat v} + \epsilon}"),
                      step_idea="follows an average of past slopes, divided by their running size",
                      summary="torch.optim.Adam (amsgrad=True for AMSGrad)"),
        OptimizerSpec("adamw", {**ADAM_DEFAULTS, "weight_decay": 1e-2}, _adamw, "AdamW", OKABE_ITO["reddish_purple"],
                      (r"m \leftarrow \beta_1 m + (1-\beta_1) {{g}}", r"v \leftarrow \beta_2 v + (1-\beta_2) {{g}}^2",
                       r"\theta \leftarrow \theta - \alpha \left(\frac{\hat m}{\sqrt{\hat v} + \epsilon} + \lambda \theta\right)"),
                      step_idea="follows an average of past slopes, divided by their running size, plus decay",
                      summary="torch.optim.AdamW: Adam with decoupled weight decay"),
    )
}

BOOLEAN_HYPERPARAMETERS = ("nesterov", "centered", "amsgrad")


def get_optimizer_spec(name: str) -> OptimizerSpec:
    """Look up a named optimizer, with the valid names (and the nearest one) in the error."""
    if isinstance(name, str) and name in OPTIMIZERS:
        return OPTIMIZERS[name]
    close = difflib.get_close_matches(str(name), OPTIMIZERS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"unknown optimizer '{name}'; choose one of: {', '.join(OPTIMIZERS)}{hint}")


def resolve_hyperparameters(spec: OptimizerSpec, given: dict) -> dict:
    """Merge user hyperparameters over the defaults, rejecting unknown or pinned names."""
    unknown = sorted(set(given) - set(spec.defaults))
    if unknown:
        raise ValueError(f"unknown hyperparameter {', '.join(map(repr, unknown))} for optimizer "
                         f"'{spec.name}'; valid: {', '.join(spec.defaults)}")
    pinned = sorted(k for k in given if k in spec.fixed and given[k] != spec.defaults[k])
    if pinned:
        raise ValueError(f"optimizer '{spec.name}' fixes {', '.join(pinned)}; use 'sgd' to set "
                         f"{'it' if len(pinned) == 1 else 'them'} freely")
    return {**spec.defaults, **given}
