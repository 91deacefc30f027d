"""simulate(): run optimizers on a landscape for many runs at once and record a Trajectory.

Pure numpy, no manim: scenes only ever read the arrays recorded here. Runs are the rows of
(n_runs, 2) arrays; starts and every numeric hyperparameter broadcast against each other, so
a grid (say 5 learning rates x 3 starts) is one vectorised call.
"""

from __future__ import annotations

import dataclasses

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from gdanim.landscapes import Landscape, get_landscape
from gdanim.optimizers import (BOOLEAN_HYPERPARAMETERS, HYPERPARAMETER_RANGES, get_optimizer_spec,
                               resolve_hyperparameters)
from gdanim.schedules import Schedule, get_schedule

ENGINE_VERSION = 1  # bump when a change alters recorded numbers, so cached trajectories expire
STOP_REASONS = ("max_steps", "converged_grad", "converged_loss", "diverged")

_ARRAYS = ("positions", "losses", "gradients", "lrs", "velocity", "step_scale",
           "sample_gradients", "stop_step", "stop_reason")


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Everything a scene draws, per run and step, plus the inputs that produced it.

    positions (n, steps+1, 2), losses (n, steps+1), gradients (n, steps+1, 2): the exact
    gradient at each position. lrs (n, steps): learning rate applied at each step (0 once a
    run has stopped). velocity (n, steps+1, 2): the momentum buffer (Adam: first moment m),
    zero for optimizers without one. step_scale (n, steps, 2): the per-coordinate learning
    rate actually applied to the (momentum) direction, lr / (sqrt(...) + eps) for adaptive
    methods. sample_gradients (n, steps, 2): the noisy or mini-batch gradient the optimizer
    used, or None when it used the exact one. After a run stops it stays frozen.
    """

    positions: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    lrs: np.ndarray
    velocity: np.ndarray
    step_scale: np.ndarray
    sample_gradients: np.ndarray | None
    stop_step: np.ndarray
    stop_reason: np.ndarray
    inputs: dict
    grid_shape: tuple[int, ...]
    landscape: Landscape = field(repr=False)

    @property
    def n_runs(self) -> int:
        return self.positions.shape[0]

    @property
    def steps(self) -> int:
        return self.positions.shape[1] - 1

    @cached_property
    def key(self) -> str:
        """Content hash of the inputs: equal keys mean equal arrays (a cache key)."""
        return content_hash(self.inputs)

    def save(self, path: str | Path) -> Path:
        """Write an .npz holding the arrays and the inputs (as JSON)."""
        path = Path(path)
        arrays = {name: getattr(self, name) for name in _ARRAYS if getattr(self, name) is not None}
        with open(path, "wb") as fh:
            np.savez(fh, inputs=json.dumps(self.inputs), grid_shape=np.array(self.grid_shape), **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Trajectory":
        with np.load(path, allow_pickle=False) as data:
            inputs = json.loads(str(data["inputs"]))
            arrays = {name: data[name] if name in data else None for name in _ARRAYS}
            grid_shape = tuple(int(v) for v in data["grid_shape"])
        spec = dict(inputs["landscape"])
        landscape = get_landscape(spec.pop("name"), **spec)
        return cls(**arrays, inputs=inputs, grid_shape=grid_shape, landscape=landscape)


def content_hash(inputs: dict) -> str:
    """sha256 of canonical JSON: stable across runs, machines and dict orderings."""
    blob = json.dumps(inputs, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def simulate(landscape, optimizer: str, start, steps: int, *, schedule=None,
             tol_grad: float = 1e-6, tol_loss: float = 0.0, diverge_at: float = 1e6,
             noise: float = 0.0, batch_size: int | None = None, seed: int = 0,
             **hyper) -> Trajectory:
    """Run ``optimizer`` from ``start`` for up to ``steps`` steps on ``landscape``.

    ``start`` is one (x, y) or an array (..., 2); any numeric hyperparameter (lr, momentum,
    betas, ...) may be an array broadcast against the starts. A run stops when the gradient
    norm drops below ``tol_grad``, the loss changes by less than ``tol_loss`` (0 disables
    either), or it diverges (non-finite, or a coordinate beyond ``diverge_at``). ``noise``
    adds seeded Gaussian noise to gradients; ``batch_size`` samples mini-batches on data
    landscapes (linear_regression).
    """
    land = landscape if isinstance(landscape, Landscape) else get_landscape(landscape)
    spec = get_optimizer_spec(optimizer)
    sched = get_schedule(schedule)
    steps = _check_count(steps, "steps")
    _check_criteria(tol_grad, tol_loss, diverge_at, noise)
    if batch_size is not None:
        batch_size = _check_count(batch_size, "batch_size")
        if land.n_samples == 0:
            raise ValueError(f"batch_size needs a data landscape such as 'linear_regression', not "
                             f"'{land.name}'; use noise= for stochastic gradients there")
        if batch_size > land.n_samples:
            raise ValueError(f"batch_size {batch_size} exceeds the {land.n_samples} samples of "
                             f"'{land.name}'")
    h = resolve_hyperparameters(spec, hyper)
    starts, grid, hp = _broadcast_runs(start, h)
    _check_hyperparameters(hp)

    inputs = {
        "landscape": land.spec(), "optimizer": spec.name, "start": _tolist(start),
        "steps": steps, "schedule": sched.spec(), "tol_grad": float(tol_grad),
        "tol_loss": float(tol_loss), "diverge_at": float(diverge_at), "noise": float(noise),
        "batch_size": batch_size, "seed": int(seed),
        "hyperparameters": {k: _tolist(v) for k, v in h.items()}, "engine_version": ENGINE_VERSION,
    }
    with np.errstate(all="ignore"):
        rec = _run(land, spec.build(hp), sched, starts, hp["lr"], steps, tol_grad, tol_loss,
                   diverge_at, noise, batch_size, np.random.default_rng(seed))
    return Trajectory(**rec, inputs=inputs, grid_shape=grid, landscape=land)


def _run(land, transform, sched: Schedule, p, base_lr, steps, tol_grad, tol_loss, diverge_at,
         noise, batch_size, rng) -> dict:
    """The step loop. Recorded arrays are time-major (contiguous writes) and returned as views."""
    n = p.shape[0]
    stochastic = noise > 0 or (batch_size is not None and batch_size < land.n_samples)
    positions = np.empty((steps + 1, n, 2))
    gradients = np.empty((steps + 1, n, 2))
    velocity = np.zeros((steps + 1, n, 2))
    losses = np.empty((steps + 1, n))
    lrs = np.zeros((steps, n))
    step_scale = np.zeros((steps, n, 2))
    sampled = np.empty((steps, n, 2)) if stochastic else None

    loss, g = land.value(p), land.gradient(p)
    positions[0], losses[0], gradients[0] = p, loss, g
    stop_step = np.full(n, steps)
    stop_reason = np.full(n, STOP_REASONS[0], dtype="<U14")
    active = np.ones(n, dtype=bool)
    if tol_grad > 0:
        _stop(active, np.einsum("ij,ij->i", g, g) < tol_grad**2, "converged_grad", 0, stop_step, stop_reason)

    state = transform.init(p)
    last = 0
    for k in range(1, steps + 1):
        if not active.any():
            break
        last = k
        lr = sched(k - 1, base_lr)
        g_used = _sample_gradient(land, p, g, noise, batch_size, rng) if stochastic else g
        direction, state = transform.update(g_used, state, p, k)
        p_new = p - lr * direction
        loss_new, g_new = land.value(p_new), land.gradient(p_new)

        v = _state_field(state, "velocity", None)
        scale = lr * _state_field(state, "precondition", 1.0)
        calm = (np.isfinite(loss_new).all() and np.isfinite(g_new).all()
                and np.abs(p_new).max() <= diverge_at)  # nearly always: skip the per-run masks
        if calm and active.all():
            lrs[k - 1], step_scale[k - 1] = lr[:, 0], scale
            velocity[k] = velocity[k - 1] if v is None else v
        else:
            bad = ~(np.isfinite(p_new).all(axis=1) & np.isfinite(loss_new) & np.isfinite(g_new).all(axis=1))
            keep = ~active | bad  # rows that stay put: stopped earlier, or non-finite now
            p_new[keep], loss_new[keep], g_new[keep] = p[keep], loss[keep], g[keep]
            _stop(active, bad | (np.abs(p_new) > diverge_at).any(axis=1), "diverged", k, stop_step, stop_reason)
            moving = ~keep
            lrs[k - 1] = np.where(moving, lr[:, 0], 0.0)
            step_scale[k - 1] = np.where(moving[:, None], scale, 0.0)
            velocity[k] = velocity[k - 1] if v is None else np.where(moving[:, None], v, velocity[k - 1])
        if tol_grad > 0:
            _stop(active, np.einsum("ij,ij->i", g_new, g_new) < tol_grad**2, "converged_grad", k,
                  stop_step, stop_reason)
        if tol_loss > 0:
            _stop(active, np.abs(loss_new - loss) < tol_loss, "converged_loss", k, stop_step, stop_reason)
        if sampled is not None:
            sampled[k - 1] = np.where(stop_step[:, None] >= k, g_used, 0.0)
        positions[k], losses[k], gradients[k] = p_new, loss_new, g_new
        p, loss, g = p_new, loss_new, g_new

    positions[last + 1:], losses[last + 1:] = p, loss
    gradients[last + 1:], velocity[last + 1:] = g, velocity[last]
    return {
        "positions": positions.swapaxes(0, 1), "losses": losses.T, "gradients": gradients.swapaxes(0, 1),
        "lrs": lrs.T, "velocity": velocity.swapaxes(0, 1), "step_scale": step_scale.swapaxes(0, 1),
        "sample_gradients": None if sampled is None else sampled.swapaxes(0, 1),
        "stop_step": stop_step, "stop_reason": stop_reason,
    }


def _stop(active, hit, reason, k, stop_step, stop_reason) -> None:
    """Mark the active runs in ``hit`` as stopped at step ``k`` for ``reason`` (in place)."""
    newly = active & hit
    if newly.any():
        stop_step[newly], stop_reason[newly] = k, reason
        active &= ~newly


def _sample_gradient(land, p, g, noise, batch_size, rng):
    """The gradient a stochastic optimizer sees: a mini-batch's, plus Gaussian noise."""
    if batch_size is not None and batch_size < land.n_samples:
        keys = rng.random((p.shape[0], land.n_samples))
        idx = np.argpartition(keys, batch_size - 1, axis=1)[:, :batch_size]
        g = land.batch_gradient(p, idx)
    if noise > 0:
        g = g + noise * rng.standard_normal(g.shape)
    return g


def _state_field(state, name, default):
    """The first transform state in a chain that has ``name`` (velocity, precondition)."""
    for s in state:
        if hasattr(s, name):
            return getattr(s, name)
    return default


def _broadcast_runs(start, h: dict):
    """Broadcast starts (..., 2) against array hyperparameters; flatten to runs of shape (n, 1)."""
    starts = np.asarray(start, dtype=float)
    if starts.ndim == 0 or starts.shape[-1] != 2:
        raise ValueError(f"start must be one (x, y) pair or an array of shape (n, 2); got shape "
                         f"{starts.shape}")
    if not np.isfinite(starts).all():
        raise ValueError("start contains NaN or infinity; give finite (x, y) coordinates")
    numeric = {}
    for name, value in h.items():
        if name in BOOLEAN_HYPERPARAMETERS:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{name} must be true or false, got {value!r}")
            continue
        parts = value if name == "betas" else (value,)
        if name == "betas" and (not isinstance(value, (tuple, list)) or len(value) != 2):
            raise ValueError(f"betas must be a pair (beta1, beta2), got {value!r}")
        try:
            numeric[name] = [np.asarray(v, dtype=float) for v in parts]
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from None
    shapes = {"start": starts.shape[:-1]}
    shapes.update({f"{k}[{i}]" if k == "betas" else k: a.shape
                   for k, arrs in numeric.items() for i, a in enumerate(arrs)})
    try:
        grid = np.broadcast_shapes(*shapes.values())
    except ValueError:
        described = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(f"start and hyperparameter shapes do not broadcast: {described}") from None
    n = int(np.prod(grid, dtype=int))

    def runs(a):
        """Per-run column (n, 1); a scalar stays a scalar (cheaper, e.g. beta**t)."""
        return float(a) if a.ndim == 0 else np.broadcast_to(a, grid).reshape(n, 1).copy()

    hp = {k: v for k, v in h.items() if k in BOOLEAN_HYPERPARAMETERS}
    for name, arrs in numeric.items():
        hp[name] = tuple(runs(a) for a in arrs) if name == "betas" else runs(arrs[0])
    hp["lr"] = np.broadcast_to(hp["lr"], (n, 1)).copy()  # always per run: recorded in lrs
    return np.broadcast_to(starts, grid + (2,)).reshape(n, 2).copy(), grid, hp


def _check_hyperparameters(hp: dict) -> None:
    for name, value in hp.items():
        if name in BOOLEAN_HYPERPARAMETERS:
            continue
        for a in (value if name == "betas" else (value,)):
            a = np.ravel(a)
            if not np.isfinite(a).all():
                raise ValueError(f"{name} must be finite, got {a[~np.isfinite(a)][0]}")
            test, expected = HYPERPARAMETER_RANGES.get(name, (None, None))
            if test is not None and not test(a).all():
                raise ValueError(f"{name} must be {expected}, got {a[~test(a)][0]:g}")
    if hp.get("nesterov") and (np.any(hp["momentum"] <= 0) or np.any(hp["dampening"] != 0)):
        raise ValueError("nesterov needs momentum > 0 and dampening = 0 (as in torch.optim.SGD)")


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def _check_criteria(tol_grad, tol_loss, diverge_at, noise) -> None:
    for name, value in (("tol_grad", tol_grad), ("tol_loss", tol_loss), ("noise", noise)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0 (0 disables it), got {value!r}")
    if not diverge_at > 0:
        raise ValueError(f"diverge_at must be > 0, got {diverge_at!r}")


def _tolist(value):
    """JSON-able form of a scalar, tuple or array (for the inputs record and its hash)."""
    if isinstance(value, (tuple, list)):
        return [_tolist(v) for v in value]
    return np.asarray(value).tolist()


def simulate_each(landscape, optimizers, lrs, start, steps: int, **options) -> Trajectory:
    """One run per (optimizer, lr) pair from one start, stacked into one Trajectory in order.

    ``simulate`` vectorises over runs of one update rule; different rules (a race) are
    separate calls. By default every run uses its whole budget (``tol_grad=0``): only
    divergence ends one early.
    """
    options.setdefault("tol_grad", 0.0)
    return stack_runs([simulate(landscape, name, start, steps, lr=lr, **options)
                       for name, lr in zip(optimizers, lrs)])


def stack_runs(trajs: list[Trajectory]) -> Trajectory:
    """Trajectories of equal step count on one landscape, as one Trajectory (runs in order)."""
    arrays = {f.name: np.concatenate([getattr(t, f.name) for t in trajs])
              for f in dataclasses.fields(Trajectory)
              if f.name not in ("inputs", "grid_shape", "landscape", "sample_gradients")}
    samples = [t.sample_gradients for t in trajs]
    sampled = None if any(s is None for s in samples) else np.concatenate(samples)
    return Trajectory(**arrays, sample_gradients=sampled, inputs={"runs": [t.inputs for t in trajs]},
                      grid_shape=(sum(t.n_runs for t in trajs),), landscape=trajs[0].landscape)
