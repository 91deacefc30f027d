"""LossSurface: a landscape as a shaded 3D surface on axes, with a display height transform."""

from __future__ import annotations

import numpy as np
from manim import Circle, ManimColor, ThreeDAxes, ThreeDVMobject, VGroup, interpolate_color

from gdanim.display import HeightScale, inside_domain
from gdanim.landscapes import Landscape
from gdanim.theme import THEME, Theme

MARK_RADIUS = 0.03  # minimum rings, as a fraction of the surface width (wider than a ball)
MARK_WIDTH = 2.5
MARK_OUTLINE_EXTRA_WIDTH = 3.0  # the ring's dark outline, so it reads on light and dark faces alike


class SurfaceFace(ThreeDVMobject):
    """One face of a LossSurface: marks it for SurfaceCamera, which draws all faces in one batch
    (gdanim.visual.camera) instead of manim's per-face Python path."""


class LossSurface(VGroup):
    """Axes plus surface plus rings at the landscape's minima. ``to_scene`` maps (x, y, loss) to
    scene points for tracers.

    Face sides are straight inside the domain: manim's Surface maps each side's Bézier handles
    through the function, so a face straddling a steep valley bulges past its corners into
    rounded saw-teeth. On the domain border, where a side is the silhouette, it is the cubic
    through the surface at the side's ends and thirds, so the outline is smooth at no extra
    faces (still four sides each, so Cairo shades border faces like the rest). Faces are filled
    along the theme's ramp by their mean height. SurfaceCamera draws the unstroked faces in one
    batch (a stroke sends them back to manim's slow per-face path); Cairo's fill still costs
    per face, so ``resolution`` (faces per side) sets a frame's cost: 24 with no stroke reads
    well at 480p-1080p.

    The minimum rings lie flat on the surface and, like balls and trails, are drawn over it
    (Cairo depth-sorts only the faces); a ball resting on a minimum sits inside its ring.
    """

    def __init__(self, land: Landscape, *, resolution: int = 24, width: float = 6.0,
                 height: float = 2.6, stroke_width: float = 0.0, show_axes: bool = False,
                 theme: Theme = THEME):
        super().__init__()
        self.land = land
        self.heights = HeightScale.for_landscape(land)
        (x0, x1), (y0, y1) = land.domain
        depth = width * min(max((y1 - y0) / (x1 - x0), 0.5), 1.0)
        self.axes = ThreeDAxes(
            x_range=[x0, x1, (x1 - x0) / 4], y_range=[y0, y1, (y1 - y0) / 4], z_range=[0, 1, 0.25],
            x_length=width, y_length=depth, z_length=height, num_axis_pieces=1,
            axis_config={"include_ticks": False, "include_tip": False, "stroke_width": 2,
                         "color": theme.axis_color},
        )
        if not show_axes:  # tickless axes poke through the surface and say nothing; they stay
            self.axes.set_stroke(opacity=0)  # in the group as to_scene's frame of reference
        self.surface = self._faces(resolution, theme)
        self.surface.set_fill(opacity=theme.surface_opacity)
        self.surface.set_stroke(color=theme.surface_colors[0], width=stroke_width)
        self.minimum_marks = self._minimum_marks(MARK_RADIUS * width, theme)
        self.add(self.axes, self.surface, self.minimum_marks)

    def _faces(self, resolution: int, theme: Theme) -> VGroup:
        """Faces over a resolution x resolution grid, each filled by its mean height."""
        (x0, x1), (y0, y1) = self.land.domain
        minima = self.minima()
        us, vs = grid_through(x0, x1, resolution, minima[:, 0]), grid_through(y0, y1, resolution, minima[:, 1])
        last = resolution - 1
        faces = VGroup()
        for i in range(resolution):
            for j in range(resolution):
                face = self._face(us[i:i + 2], vs[j:j + 2], np.array([j == 0, i == last, j == last, i == 0]))
                height = self.axes.p2c(face.get_start_anchors().mean(axis=0))[2]
                faces.add(face.set_fill(ramp_color(theme.surface_colors, height)))
        return faces

    def _face(self, u: np.ndarray, v: np.ndarray, on_border: np.ndarray) -> SurfaceFace:
        """The face over the cell u x v: four cubic sides (bottom, right, top, left) through the
        surface at their thirds on the domain border, through their chord's thirds (straight)
        inside it."""
        corners = np.array([[u[0], v[0]], [u[1], v[0]], [u[1], v[1]], [u[0], v[1]]])
        thirds = np.linspace(0.0, 1.0, 4)[None, :, None]
        uv = corners[:, None] + thirds * (np.roll(corners, -1, axis=0) - corners)[:, None]
        a, q1, q2, b = np.moveaxis(self.to_surface(uv.reshape(-1, 2)).reshape(4, 4, 3), 1, 0)
        curved = on_border[:, None]
        h1, h2 = handles_through(a, np.where(curved, q1, (2 * a + b) / 3), np.where(curved, q2, (a + 2 * b) / 3), b)
        return SurfaceFace().set_points(np.stack([a, h1, h2, b], axis=1).reshape(-1, 3))

    def _minimum_marks(self, radius: float, theme: Theme) -> VGroup:
        """A flat ring on the surface at each minimum inside the plotted domain."""
        return VGroup(*(
            Circle(radius=radius, stroke_color=theme.text, stroke_width=MARK_WIDTH)
            .set_stroke(theme.background, MARK_WIDTH + MARK_OUTLINE_EXTRA_WIDTH, background=True)
            .move_to(point) for point in self.to_surface(self.minima())
        ))

    def minima(self) -> np.ndarray:
        """The landscape's minima (n, 2) inside the plotted domain."""
        return self.land.minima[inside_domain(self.land, self.land.minima)]

    def to_surface(self, xy: np.ndarray) -> np.ndarray:
        """Scene points (n, 3) on the surface above points (n, 2) of the domain."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        with np.errstate(all="ignore"):
            return self.to_scene(np.column_stack([xy, self.land.value(xy)]))

    def to_scene(self, xyf: np.ndarray, lift: float = 0.0) -> np.ndarray:
        """Scene points (n, 3) for rows of (x, y, loss); xy is clamped to the plotted domain."""
        xyf = np.atleast_2d(np.asarray(xyf, dtype=float))
        (x0, x1), (y0, y1) = self.land.domain
        x = np.clip(xyf[:, 0], x0, x1)
        y = np.clip(xyf[:, 1], y0, y1)
        z = self.heights(xyf[:, 2])
        origin = np.asarray(self.axes.c2p(x0, y0, 0.0))
        unit = np.asarray(self.axes.c2p(x1, y1, 1.0)) - origin
        scale = np.array([1 / (x1 - x0), 1 / (y1 - y0), 1.0])
        offsets = np.column_stack([x - x0, y - y0, z]) * scale * unit
        return origin + offsets + np.array([0.0, 0.0, lift])


def grid_through(low: float, high: float, count: int, values) -> np.ndarray:
    """``count + 1`` evenly spaced grid lines from ``low`` to ``high``, the nearest inner line
    moved onto each value: the mesh then touches the minima instead of bridging a narrow
    valley above them (its corners would miss the floor and leave the minimum's ring floating)."""
    lines = np.linspace(low, high, count + 1)
    for value in values:
        k = int(np.argmin(np.abs(lines - value)))
        if 0 < k < count:
            lines[k] = value
    return lines


def handles_through(a, q1, q2, b):
    """The two Bézier handles of the cubic from ``a`` to ``b`` through ``q1`` and ``q2`` at
    t = 1/3 and 2/3 (solving B(1/3) = q1, B(2/3) = q2)."""
    return (-5 * a + 18 * q1 - 9 * q2 + 2 * b) / 6, (2 * a - 9 * q1 + 18 * q2 - 5 * b) / 6


def ramp_color(colors, height: float):
    """The colour at display height ``height`` in [0, 1] on an evenly spaced ramp (low -> high)."""
    position = float(np.clip(height, 0.0, 1.0)) * (len(colors) - 1)
    k = min(int(position), len(colors) - 2)
    return interpolate_color(ManimColor(colors[k]), ManimColor(colors[k + 1]), position - k)
