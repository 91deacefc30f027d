"""TrajectoryTracer: a ball and its trail following one run of a Trajectory.

Every tracer reads the same step tracker (a ValueTracker holding a fractional step), so
several tracers and the HUD stay in sync; animating the tracker is the whole animation.
"""

from __future__ import annotations

import numpy as np
from manim import WHITE, Dot, ValueTracker, VGroup, VMobject

from gdanim.display import domain_exit, draped_path, point_at
from gdanim.engine import Trajectory
from gdanim.visual.surface import LossSurface
from gdanim.visual.theme import THEME


class TrajectoryTracer(VGroup):
    """Ball on the surface at fractional step ``s``, trail draped over the surface behind it.

    The ball is a disc meant to face the camera (``LessonScene.add_tracers`` arranges that):
    Cairo depth-sorts 3D faces by their centres, which buries a small sphere in the faces
    around it, so ball and trail are drawn over the surface instead.

    A run that leaves the plotted domain (or diverges inside it) gets a divergence marker, a
    burst in the theme's diverged colour where its path crosses the domain's edge, shown once
    the step tracker passes that crossing. ``stop_at_exit`` also halts ball and trail there
    instead of letting them slide along the edge.
    """

    SUBSTEPS = 8  # trail samples per step, so the trail follows hills between step points

    def __init__(self, surface: LossSurface, traj: Trajectory, run: int, step: ValueTracker, *,
                 color: str, radius: float = 0.08, trail_width: float = 4.0,
                 divergence_marker: bool = True, stop_at_exit: bool = False):
        super().__init__()
        self.step = step
        self.positions = traj.positions[run, : int(traj.stop_step[run]) + 1]
        # (fractional step, xy) where the run leaves the plot; a run diverging inside it ends there
        self.exit = domain_exit(surface.land, self.positions)
        if self.exit is None and str(traj.stop_reason[run]) == "diverged":
            self.exit = (float(len(self.positions) - 1), self.positions[-1])
        self.stop_at_exit = stop_at_exit and self.exit is not None
        self.exit_point = None  # scene point of the exit, on the surface
        if self.exit is not None:
            xy = np.asarray(self.exit[1], dtype=float)
            with np.errstate(all="ignore"):
                self.exit_point = surface.to_scene(np.append(xy, surface.land.value(xy)))[0]
        self.path = surface.to_scene(draped_path(surface.land, self.positions, self.SUBSTEPS))
        self.lift = np.array([0.0, 0.0, radius])
        self.ball = Dot(self.path[0] + self.lift, radius=radius, color=color,
                        stroke_color=WHITE, stroke_width=1.5, stroke_opacity=0.9)
        self.trail = VMobject(stroke_color=color, stroke_width=trail_width, stroke_opacity=0.95)
        self.trail.set_points_as_corners(self.path[:2])
        self.trail.add_updater(lambda m: m.set_points_as_corners(self.trail_points()))
        self.ball.add_updater(lambda m: m.move_to(self.head() + self.lift))
        self.add(self.trail, self.ball)
        self.marker = None
        if divergence_marker and self.exit is not None:
            self.marker = DivergenceMarker(self.exit_point + self.lift, radius=2.4 * radius)
            self.marker.show(self.has_exited()).add_updater(lambda m: m.show(self.has_exited()))
            self.add(self.marker)

    def shown_step(self) -> float:
        """The tracker's step, held at the domain exit when ``stop_at_exit`` is set."""
        s = self.step.get_value()
        return min(s, self.exit[0]) if self.stop_at_exit else s

    def has_exited(self) -> bool:
        """Whether the tracker's step has reached the run's exit from the plot."""
        return self.exit is not None and self.step.get_value() >= self.exit[0]

    def head(self) -> np.ndarray:
        """Scene point of the ball's contact with the surface at the tracker's step."""
        if self.stop_at_exit and self.has_exited():
            return self.exit_point
        return point_at(self.path, self.shown_step() * self.SUBSTEPS)

    def trail_points(self) -> np.ndarray:
        s = min(max(self.shown_step(), 0.0), len(self.positions) - 1) * self.SUBSTEPS
        done = self.path[: int(s) + 1]
        return np.vstack([done, self.head()]) if len(done) > 1 else np.vstack([done, done, self.head()])


class DivergenceMarker(VGroup):
    """A small burst (eight rays, dark outline) in the theme's diverged colour at ``point``."""

    RAYS = 8

    def __init__(self, point, *, radius: float = 0.2, theme=THEME):
        super().__init__()
        angles = np.arange(self.RAYS) * 2 * np.pi / self.RAYS
        rays = [(0.35 * radius * np.array([np.cos(a), np.sin(a), 0.0]),
                 radius * np.array([np.cos(a), np.sin(a), 0.0])) for a in angles]
        self.outline = VMobject(stroke_color=theme.background, stroke_width=7)
        self.burst = VMobject(stroke_color=theme.status_colors["diverged"], stroke_width=3.5)
        for part in (self.outline, self.burst):
            for inner, outer in rays:
                part.start_new_path(np.asarray(point) + inner)
                part.add_line_to(np.asarray(point) + outer)
        self.point = np.asarray(point, dtype=float)
        self.add(self.outline, self.burst)

    def show(self, visible: bool) -> "DivergenceMarker":
        """Shown or hidden by stroke opacity, so the family never changes during an animation."""
        self.outline.set_stroke(opacity=0.9 if visible else 0.0)
        self.burst.set_stroke(opacity=1.0 if visible else 0.0)
        return self
