"""StepArrow: the engine's recorded gradient or momentum at the current step, as an arrow.

Arrows are drawn as the *step they cause* (scaled by the learning rate) so tip-to-tail they
add up to the actual move: for GD the gradient arrow ends where the ball lands next; for
momentum, carried velocity plus the new gradient step.
"""

from __future__ import annotations

import numpy as np
from manim import Arrow, ValueTracker

from gdanim.engine import Trajectory

VECTORS = ("gradient", "velocity", "lookahead", "move")


def step_vector(traj: Trajectory, run: int, k: int, vector: str, momentum: float = 0.9) -> np.ndarray:
    """The xy displacement that ``vector`` contributes to the step from k to k+1.

    gradient: -lr_k g_k.  velocity: -lr_k momentum v_k (what momentum carries over).
    lookahead (Nesterov in torch's form θ̃ ← θ̃ − α(∇L(θ̃) + βv)): -lr_k momentum v_{k+1}, its
    extra push after the gradient step.
    move: the whole step x_{k+1} - x_k, whatever rule made it (Adam's is not -lr g).
    """
    k = int(min(max(k, 0), traj.steps - 1))
    lr = traj.lrs[run, k]
    if vector == "gradient":
        g = traj.sample_gradients[run, k] if traj.sample_gradients is not None else traj.gradients[run, k]
        return -lr * g
    if vector == "velocity":
        return -lr * momentum * traj.velocity[run, k]
    if vector == "move":
        return traj.positions[run, k + 1] - traj.positions[run, k]
    if vector == "lookahead":
        return -lr * momentum * traj.velocity[run, k + 1]
    raise ValueError(f"unknown vector '{vector}'; choose one of: {', '.join(VECTORS)}")


class StepArrow(Arrow):
    """An arrow on a stage (LossSurface or ContourMap) from ``origin_of(k)`` along a vector."""

    def __init__(self, stage, traj: Trajectory, run: int, step: ValueTracker, *, vector: str,
                 color: str, momentum: float = 0.9, tail=None, stroke_width: float = 5):
        self.stage, self.traj, self.run, self.step = stage, traj, run, step
        self.vector, self.momentum, self.tail = vector, momentum, tail
        self._style = {"color": color, "stroke_width": stroke_width, "buff": 0,
                       "max_tip_length_to_length_ratio": 0.35, "max_stroke_width_to_length_ratio": 12}
        start, end = self.endpoints()
        super().__init__(start, end, **self._style)
        self.add_updater(lambda m: m.become(Arrow(*m.endpoints(), **m._style)))

    def xy_endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        k = int(self.step.get_value() + 1e-9)
        k = min(k, int(self.traj.stop_step[self.run]))
        start = self.traj.positions[self.run, k] if self.tail is None else self.tail.xy_endpoints()[1]
        if k >= self.traj.stop_step[self.run]:
            return start, start
        return start, start + step_vector(self.traj, self.run, k, self.vector, self.momentum)

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.xy_endpoints()
        land = self.stage.land
        pts = np.array([[*start, land.value(start)], [*end, land.value(end)]])
        a, b = self.stage.to_scene(pts, lift=0.02)
        if np.allclose(a, b):
            b = a + 1e-4 * np.array([1.0, 0.0, 0.0])  # zero-length arrows break manim's tip maths
        return a, b
