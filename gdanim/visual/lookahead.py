"""LookaheadGhost: Nesterov's look-ahead drawn the classical way - a hollow ghost ball where the
gradient is measured, joined by a dashed jump to the ball that looks ahead from behind it.

The engine (like torch) records Nesterov in its shifted form: ``positions`` are the look-ahead
points θ_k, where each gradient is measured. The classical iterate that looks ahead from behind
is φ_k = θ_k + lr_k·β·v_k (Sutskever et al. 2013; Bengio et al. 2013): it coasts on its carried
velocity to θ_k, and the gradient step measured there lands on φ_{k+1} = θ_k − lr_k·g_k.
``ball_positions`` turns the engine's arrays into φ; no optimizer step is recomputed here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import Circle, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory


def ball_positions(traj: Trajectory, momentum: float = 0.9) -> np.ndarray:
    """φ (n, steps+1, 2): each run's ball, one carried-velocity jump behind its look-ahead point.

    The carried jump at step k is the one ``StepArrow(vector="velocity")`` draws, lr_k·β·v_k,
    with the lr of the step about to be taken (zero once a run has stopped, so φ = θ there).
    """
    lrs = traj.lrs[:, np.minimum(np.arange(traj.steps + 1), traj.steps - 1)]
    return traj.positions + (lrs * momentum)[..., None] * traj.velocity


def ball_trajectory(traj: Trajectory, momentum: float = 0.9) -> Trajectory:
    """The same trajectory with the balls at φ, for a TrajectoryTracer in the look-ahead picture."""
    return dataclasses.replace(traj, positions=ball_positions(traj, momentum))


def dash_segments(a: np.ndarray, b: np.ndarray, dashes: int, ratio: float = 0.55) -> np.ndarray:
    """(dashes, 2, dim) start and end points of ``dashes`` equal dashes from a to b."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    starts = np.arange(dashes) / dashes
    ends = starts + ratio / dashes
    return np.stack([a + np.outer(starts, b - a), a + np.outer(ends, b - a)], axis=1)


class LookaheadGhost(VGroup):
    """A hollow ring at the look-ahead point θ_k and a dashed line to it from the ball φ_k.

    Both follow the integer part of ``step`` (like StepArrow) and are updated in place - one
    ring, one VMobject of a fixed number of dashes - so Cairo draws them during a play. Once
    the run stops (φ = θ) they fade away.
    """

    def __init__(self, stage, traj: Trajectory, run: int, step: ValueTracker, *, color: str,
                 momentum: float = 0.9, radius: float = 0.1, dashes: int = 8, stroke_width: float = 3.0):
        super().__init__()
        self.stage, self.traj, self.run, self.step, self.dashes = stage, traj, run, step, dashes
        self.balls = ball_positions(traj, momentum)[run]
        self.ring = Circle(radius=radius, stroke_color=color, stroke_width=stroke_width, fill_opacity=0)
        self.dash = VMobject(stroke_color=color, stroke_width=stroke_width)
        self.add(self.dash, self.ring)
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def xy_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(ball φ_k, look-ahead point θ_k) in landscape coordinates at the tracker's step."""
        k = min(int(self.step.get_value() + 1e-9), int(self.traj.stop_step[self.run]))
        k = max(k, 0)
        return self.balls[k], self.traj.positions[self.run, k]

    def refresh(self) -> None:
        ball, ghost = self.stage.to_scene(np.array(self.xy_points()), lift=0.03)
        k = int(self.step.get_value() + 1e-9)
        shown = 0.0 if k >= self.traj.stop_step[self.run] else 1.0
        self.ring.move_to(ghost)
        self.ring.set_stroke(opacity=shown)
        self.dash.clear_points()
        for a, b in dash_segments(ball, ghost, self.dashes):
            self.dash.start_new_path(a)
            self.dash.add_line_to(b)
        self.dash.set_stroke(opacity=shown)
