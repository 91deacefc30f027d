"""TrajectoryTracer: a ball and its trail following one run of a Trajectory.

Every tracer reads the same step tracker (a ValueTracker holding a fractional step), so
several tracers and the HUD stay in sync; animating the tracker is the whole animation.
Tracers sharing a stage share a BallSpread, which draws their balls apart where runs meet.
"""

from __future__ import annotations

import numpy as np
from manim import WHITE, Dot, ValueTracker, VGroup, VMobject

from gdanim.display import domain_exit, draped_path, point_at
from gdanim.engine import Trajectory
from gdanim.visual.surface import LossSurface
from gdanim.theme import THEME

OUTLINE_EXTRA_WIDTH = 3.0  # the trail's dark outline shows this much stroke width around it
OUTLINE_OPACITY = 0.8
TRAIL_SPACING = 0.002  # scene units between trail corners: half a pixel at 4k (270 px a unit)
BALL_GAP = 1.1  # balls drawn apart keep their centres this many radius sums apart (a sliver between)
PUSH_ROUNDS = 16  # enough pairwise pushes for eight balls on one point to settle into a ring
SLOT_SIZE = 0.125  # fixed push directions where centres coincide, as a fraction of the gap


class TrajectoryTracer(VGroup):
    """Ball on the surface at fractional step ``s``, trail draped over the surface behind it.

    The ball is a disc meant to face the camera (``LessonScene.add_tracers`` arranges that):
    Cairo depth-sorts 3D faces by their centres, which buries a small sphere in the faces
    around it, so ball and trail are drawn over the surface instead.

    A run that leaves the plotted domain (or diverges inside it) gets a divergence marker, a
    burst in the theme's diverged colour where its path crosses the domain's edge, shown once
    the step tracker passes that crossing. ``stop_at_exit`` also halts ball and trail there
    instead of letting them slide along the edge.

    The trail has a dark outline (a background stroke in the theme's background colour), so
    it reads on light and dark fills alike. The ball sits on the run's point unless ``spread``
    (a BallSpread, set by ``LessonScene.add_tracers``) moves it off another ball; the trail
    always ends on the true point.
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
        self.corners = trail_corners(self.path)
        self.lift = np.array([0.0, 0.0, radius])
        self.radius = radius
        self.spread: BallSpread | None = None
        self.ball = Dot(self.path[0] + self.lift, radius=radius, color=color,
                        stroke_color=WHITE, stroke_width=1.5, stroke_opacity=0.9)
        self.trail = VMobject(stroke_color=color, stroke_width=trail_width, stroke_opacity=0.95,
                              background_stroke_color=THEME.background,
                              background_stroke_width=trail_width + OUTLINE_EXTRA_WIDTH,
                              background_stroke_opacity=OUTLINE_OPACITY)
        self.trail.set_points_as_corners(self.path[:2])
        self.trail.add_updater(lambda m: m.set_points_as_corners(self.trail_points()))
        self.ball.add_updater(lambda m: m.move_to(self.ball_point()))
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

    def true_ball_point(self) -> np.ndarray:
        """Centre of the ball on the run's point: the head, lifted by the ball's radius."""
        return self.head() + self.lift

    def ball_point(self) -> np.ndarray:
        """Where the ball is drawn: its true point, moved off any ball it would hide."""
        point = self.true_ball_point()
        return point if self.spread is None else point + self.spread.offset(self)

    def trail_points(self) -> np.ndarray:
        """The path's corners up to the tracker's step, then the head."""
        s = min(max(self.shown_step(), 0.0), len(self.positions) - 1) * self.SUBSTEPS
        done = self.path[self.corners[: np.searchsorted(self.corners, int(s), side="right")]]
        return np.vstack([done, self.head()]) if len(done) > 1 else np.vstack([done, done, self.head()])


def trail_corners(path: np.ndarray, spacing: float = TRAIL_SPACING) -> np.ndarray:
    """Indices of the path points a trail is drawn through: the first, then about one per
    ``spacing`` of arc length. A converging run piles hundreds of samples into a pixel, and Cairo
    strokes (outline and colour) every segment: dropping them keeps long trails cheap."""
    length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    cell = np.floor(np.nan_to_num(length / spacing, nan=np.inf, posinf=np.inf))
    return np.concatenate([[0], np.flatnonzero(np.diff(cell) > 0) + 1])


def flat_view(points: np.ndarray):
    """A screen looking down the scene's z axis at zoom 1: (screen xy, screen units per scene unit,
    scene directions of screen right and up)."""
    return points[:, :2], np.ones(len(points)), np.eye(3)[:2]


def camera_view(camera):
    """``flat_view`` as ``camera`` (a ThreeDCamera) draws: its projection, perspective included.

    Balls face the camera at their own size, so a ball's screen radius is its radius, while the
    distance between two balls is scaled by perspective and zoom: offsets are measured on screen.
    The rotation is the camera's last frame's (it refreshes it at each capture), a frame behind
    while the camera moves."""
    def view(points: np.ndarray):
        axes = camera.get_rotation_matrix()[:2]
        h, n = 1e-3, len(points)
        shot = camera.project_points(np.vstack([points, points + h * axes[0]]))[:, :2]
        return shot[:n], np.linalg.norm(shot[n:] - shot[:n], axis=1) / h, axes
    return view


def push_apart(xy: np.ndarray, gaps: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Screen points ``xy`` (n, 2) moved so that centres i, j end at least ``gaps[i, j]`` apart.

    Each round pushes every too-close pair apart by half its overlap each, averaged over a
    point's overlapping neighbours (a sum would overshoot in a crowd); points with no
    neighbour within its gap never move. A pair's push direction is the line between them,
    tilted by the difference of their ``slots`` (n, 2), which decides it where they coincide.
    A fixed number of rounds of continuous pushes: the result varies continuously with ``xy``,
    except where a pair approaches head-on against its slot direction, which flips it over.
    """
    tilt = slots[:, None] - slots[None, :]
    moved = xy.copy()
    for _ in range(PUSH_ROUNDS):
        between = moved[:, None] - moved[None, :]
        overlap = np.clip(gaps - np.linalg.norm(between, axis=-1), 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if not overlap.any():
            break
        away = between + tilt
        away /= np.maximum(np.linalg.norm(away, axis=-1, keepdims=True), 1e-12)
        crowd = np.maximum(np.minimum(2 * overlap / gaps, 1.0).sum(axis=1), 1.0)[:, None]
        moved += 0.5 * np.einsum("ij,ijk->ik", overlap, away) / crowd
    return moved


class BallSpread:
    """The balls of tracers sharing a stage, drawn apart where they would overlap on screen.

    Runs that converge end on one point, where the last ball drawn would hide the others. Balls
    whose screen centres are closer than BALL_GAP radius sums are pushed apart in the screen
    plane (``push_apart``): two end on either side of their point, more on a ring around it,
    so every colour shows. Balls on the very same point take fixed slots around it in the order
    the tracers were given (the first on the left, then clockwise); balls that meet from
    different sides keep their sides. Balls further apart sit on their true points. The offsets are a function of the balls' true
    points and the view alone, so a frame looks the same however the step got there; they are
    computed once per frame for all balls (each ball's updater asks for its own).
    """

    def __init__(self, tracers, view=flat_view):
        self.tracers = list(tracers)
        self.view = view
        radii = np.array([t.radius for t in self.tracers])
        self.gaps = BALL_GAP * (radii[:, None] + radii[None, :])
        angles = np.pi - 2 * np.pi * np.arange(len(self.tracers)) / max(len(self.tracers), 1)
        circle = np.column_stack([np.cos(angles), np.sin(angles)])
        self.slots = SLOT_SIZE * self.gaps.max(initial=0.0) * circle
        self._seen, self._offsets = None, np.zeros((len(self.tracers), 3))
        for tracer in self.tracers:
            tracer.spread = self

    def offset(self, tracer: TrajectoryTracer) -> np.ndarray:
        """Scene vector from ``tracer``'s true ball point to where its ball is drawn."""
        if len(self.tracers) > 1:
            self._refresh()
        return self._offsets[self.tracers.index(tracer)]

    def _refresh(self) -> None:
        points = np.array([t.true_ball_point() for t in self.tracers])
        xy, scale, axes = self.view(points)
        key = xy.tobytes()
        if key == self._seen:
            return
        shown = np.isfinite(xy).all(axis=1) & np.isfinite(scale) & (scale > 0)
        moves = np.zeros_like(xy)
        if shown.sum() > 1:
            sub = np.ix_(shown, shown)
            moves[shown] = push_apart(xy[shown], self.gaps[sub], self.slots[shown]) - xy[shown]
        self._seen, self._offsets = key, (moves / np.where(shown, scale, 1.0)[:, None]) @ axes


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
