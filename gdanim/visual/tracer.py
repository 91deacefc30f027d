"""TrajectoryTracer: a ball and its trail following one run of a Trajectory.

Every tracer reads the same step tracker (a ValueTracker holding a fractional step), so
several tracers and the HUD stay in sync; animating the tracker is the whole animation.
"""

from __future__ import annotations

import numpy as np
from manim import WHITE, Dot, ValueTracker, VGroup, VMobject

from gdanim.display import draped_path, point_at
from gdanim.engine import Trajectory
from gdanim.visual.surface import LossSurface


class TrajectoryTracer(VGroup):
    """Ball on the surface at fractional step ``s``, trail draped over the surface behind it.

    The ball is a disc meant to face the camera (``LessonScene.add_tracers`` arranges that):
    Cairo depth-sorts 3D faces by their centres, which buries a small sphere in the faces
    around it, so ball and trail are drawn over the surface instead.
    """

    SUBSTEPS = 8  # trail samples per step, so the trail follows hills between step points

    def __init__(self, surface: LossSurface, traj: Trajectory, run: int, step: ValueTracker, *,
                 color: str, radius: float = 0.08, trail_width: float = 4.0):
        super().__init__()
        self.step = step
        self.positions = traj.positions[run, : int(traj.stop_step[run]) + 1]
        self.path = surface.to_scene(draped_path(surface.land, self.positions, self.SUBSTEPS))
        self.lift = np.array([0.0, 0.0, radius])
        self.ball = Dot(self.path[0] + self.lift, radius=radius, color=color,
                        stroke_color=WHITE, stroke_width=1.5, stroke_opacity=0.9)
        self.trail = VMobject(stroke_color=color, stroke_width=trail_width, stroke_opacity=0.95)
        self.trail.set_points_as_corners(self.path[:2])
        self.trail.add_updater(lambda m: m.set_points_as_corners(self.trail_points()))
        self.ball.add_updater(lambda m: m.move_to(self.head() + self.lift))
        self.add(self.trail, self.ball)

    def head(self) -> np.ndarray:
        """Scene point of the ball's contact with the surface at the tracker's step."""
        return point_at(self.path, self.step.get_value() * self.SUBSTEPS)

    def trail_points(self) -> np.ndarray:
        s = min(max(self.step.get_value(), 0.0), len(self.positions) - 1) * self.SUBSTEPS
        done = self.path[: int(s) + 1]
        return np.vstack([done, self.head()]) if len(done) > 1 else np.vstack([done, done, self.head()])
