"""LookaheadGhost: Nesterov's look-ahead drawn the classical way - a hollow ghost ball where the
gradient is measured, joined by a dashed jump to the ball that looks ahead from behind it.

In the notation of Nesterov's card (gdanim.optimizers): the ball is the classical iterate θ,
the ghost sits at the look-ahead point θ̃ = θ − αβv where ∇L is taken. The engine (like torch)
records the look-ahead points θ̃ themselves as its positions; ``ball_positions`` (numpy, in
gdanim.display) recovers θ from the engine's arrays, and the dashed jump is the carried −αβv.
"""

from __future__ import annotations

import numpy as np
from manim import Circle, ValueTracker, VGroup, VMobject

from gdanim.display import ball_positions
from gdanim.engine import Trajectory


def dash_segments(a: np.ndarray, b: np.ndarray, dashes: int, ratio: float = 0.55) -> np.ndarray:
    """(dashes, 2, dim) start and end points of ``dashes`` equal dashes from a to b."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    starts = np.arange(dashes) / dashes
    ends = starts + ratio / dashes
    return np.stack([a + np.outer(starts, b - a), a + np.outer(ends, b - a)], axis=1)


class LookaheadGhost(VGroup):
    """A hollow ring at the look-ahead point θ̃_k and a dashed line to it from the ball θ_k.

    Both follow the integer part of ``step`` (like StepArrow) and are updated in place - one
    ring, one VMobject of a fixed number of dashes - so Cairo draws them during a play. Once
    the run stops (θ = θ̃) they fade away.
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
        """(ball θ_k, look-ahead point θ̃_k) in landscape coordinates at the tracker's step."""
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
