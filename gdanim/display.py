"""Display geometry for drawing trajectories: loss -> height, and paths draped on the surface.

Numpy only, so it is tested without manim; the manim layer turns these numbers into pixels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from gdanim.engine import Trajectory
from gdanim.landscapes import Landscape


@dataclass(frozen=True)
class HeightScale:
    """Maps loss values to display heights in [0, 1].

    Landscapes with a huge range (``log_display``) use ``log1p(f - floor)`` so the valley
    floor keeps its shape instead of collapsing under a few tall walls. Values above the
    sampled ceiling (a diverging run) are clipped to the top of the box.
    """

    floor: float
    ceiling: float
    log: bool

    @classmethod
    def for_landscape(cls, land: Landscape, samples: int = 121) -> "HeightScale":
        values = land.value(domain_grid(land, samples))
        floor = float(values.min()) if land.min_value is None else min(land.min_value, float(values.min()))
        return cls(floor, float(values.max()), bool(land.log_display))

    def _raw(self, f):
        shifted = np.maximum(np.asarray(f, dtype=float) - self.floor, 0.0)
        return np.log1p(shifted) if self.log else shifted

    def inverse(self, h) -> np.ndarray:
        """Loss value at display height ``h`` in [0, 1] (for evenly spaced contour levels)."""
        h = np.asarray(h, dtype=float)
        top = self._raw(self.ceiling)
        return self.floor + (np.expm1(h * top) if self.log else h * top)

    def contour_levels(self, count: int) -> np.ndarray:
        """``count`` levels above the floor: log-spaced for huge ranges, else denser near the
        bottom (quadratic in height) so bowls show evenly spaced rings."""
        h = np.linspace(0, 1, count + 1)[1:]
        return self.inverse(h if self.log else h**2)

    def __call__(self, f) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            top = self._raw(self.ceiling)
            return np.clip(np.nan_to_num(self._raw(f) / top, nan=1.0, posinf=1.0), 0.0, 1.0)


def domain_grid(land: Landscape, samples: int) -> np.ndarray:
    """A (samples, samples, 2) grid over the landscape's plotting domain."""
    (x0, x1), (y0, y1) = land.domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, samples), np.linspace(y0, y1, samples))
    return np.stack([xs, ys], axis=-1)


def inside_domain(land: Landscape, xy) -> np.ndarray:
    """Whether points (..., 2) lie within the plotting domain (a run beyond it has left the plot)."""
    (x0, x1), (y0, y1) = land.domain
    xy = np.asarray(xy, dtype=float)
    return (xy[..., 0] >= x0) & (xy[..., 0] <= x1) & (xy[..., 1] >= y0) & (xy[..., 1] <= y1)


def draped_path(land: Landscape, positions: np.ndarray, substeps: int = 8) -> np.ndarray:
    """Points (steps*substeps + 1, 3) along straight xy segments, each at the surface's loss.

    A trail drawn through only the step points would cut through hills between them; sampling
    each segment keeps the trail on the surface. Column 2 holds the loss value.
    """
    positions = np.asarray(positions, dtype=float)
    frac = np.arange(substeps) / substeps
    seg = positions[:-1, None, :] + frac[None, :, None] * np.diff(positions, axis=0)[:, None, :]
    xy = np.concatenate([seg.reshape(-1, 2), positions[-1:]], axis=0)
    with np.errstate(all="ignore"):
        loss = land.value(xy)
    return np.column_stack([xy, loss])


def point_at(positions: np.ndarray, s: float) -> np.ndarray:
    """The xy position at fractional step ``s``, linear between recorded steps."""
    last = len(positions) - 1
    s = min(max(float(s), 0.0), float(last))
    k = min(int(s), last - 1) if last > 0 else 0
    frac = s - k if last > 0 else 0.0
    return positions[k] + frac * (positions[min(k + 1, last)] - positions[k])


def domain_exit(land: Landscape, positions) -> tuple[float, np.ndarray] | None:
    """Where a path (steps+1, 2) first leaves the plotting domain: (fractional step, xy on the
    domain's edge), or None if it stays inside. The step is where the straight segment between
    the last point inside and the first outside crosses the edge, as ``point_at`` moves the ball."""
    positions = np.asarray(positions, dtype=float)
    outside = np.flatnonzero(~inside_domain(land, positions))
    if not len(outside):
        return None
    k = int(outside[0])
    (x0, x1), (y0, y1) = land.domain
    if k == 0:
        return 0.0, np.clip(positions[0], [x0, y0], [x1, y1])
    a, b = positions[k - 1], positions[k]
    t = 1.0
    for axis, (lo, hi) in enumerate(land.domain):
        if b[axis] > hi:
            t = min(t, (hi - a[axis]) / (b[axis] - a[axis]))
        elif b[axis] < lo:
            t = min(t, (lo - a[axis]) / (b[axis] - a[axis]))
    return k - 1 + t, a + t * (b - a)


def shown_steps(traj) -> np.ndarray:
    """Per run, the last step to draw: its stop step, cut before it first leaves the domain
    (a run flying off to infinity is drawn up to the edge, not along it)."""
    inside = inside_domain(traj.landscape, traj.positions)
    last = traj.stop_step.copy()
    for run in range(traj.n_runs):
        outside = np.flatnonzero(~inside[run, : last[run] + 1])
        if len(outside):
            last[run] = max(int(outside[0]) - 1, 0)
    return last


def ball_positions(traj: Trajectory, momentum: float) -> np.ndarray:
    """Nesterov's classical iterate φ (n, steps+1, 2), one carried-velocity jump behind the
    engine's positions.

    The engine (like torch) records the look-ahead points θ̃_k = φ_k − lr·β·v_k, where each
    gradient is measured; so φ_k = θ̃_k + lr_k·β·v_k with the lr of the step about to be taken
    (0 once a run has stopped, so φ = θ̃ there). No optimizer step is recomputed here.
    """
    lrs = traj.lrs[:, np.minimum(np.arange(traj.steps + 1), traj.steps - 1)]
    return traj.positions + (lrs * momentum)[..., None] * traj.velocity


def ball_trajectory(traj: Trajectory, momentum: float) -> Trajectory:
    """The same trajectory with the balls at φ (what the Nesterov beat draws as its ball)."""
    return dataclasses.replace(traj, positions=ball_positions(traj, momentum))
