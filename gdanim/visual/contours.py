"""ContourMap: top view of a landscape - filled bands and level lines (contourpy), minima marked."""

from __future__ import annotations

import contourpy
import numpy as np
from manim import Cross, ManimColor, Rectangle, VGroup, VMobject, interpolate_color

from gdanim.display import HeightScale, domain_grid
from gdanim.landscapes import Landscape
from gdanim.theme import THEME, Theme


class ContourMap(VGroup):
    """A rectangle showing the landscape's domain from above; ``to_scene`` maps (x, y[, loss]).

    Bands use the surface's colour ramp so 2D and 3D views of a landscape agree. Everything
    here is static: add it before moving mobjects and Cairo draws it once.
    """

    def __init__(self, land: Landscape, *, width: float = 6.0, height: float | None = None,
                 levels: int = 14, samples: int = 160, show_minima: bool = True,
                 theme: Theme = THEME):
        super().__init__()
        self.land = land
        (x0, x1), (y0, y1) = land.domain
        height = width * (y1 - y0) / (x1 - x0) if height is None else height
        self.frame = Rectangle(width=width, height=height, stroke_color=theme.axis_color, stroke_width=1.5)
        self.heights = HeightScale.for_landscape(land)
        grid = domain_grid(land, samples)
        values = land.value(grid)
        gen = contourpy.contour_generator(grid[..., 0], grid[..., 1], values,
                                          fill_type="OuterOffset", line_type="SeparateCode")
        bounds = np.concatenate([[values.min() - 1.0], self.heights.contour_levels(levels)])
        bounds[-1] = max(bounds[-1], values.max()) + 1.0
        ramp = theme.surface_colors
        self.bands = VGroup()
        for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            shape = self._shape(gen.filled(lo, hi))
            t = i / max(levels - 1, 1)
            shape.set_fill(_ramp_color(ramp, t), opacity=1.0).set_stroke(width=0)
            self.bands.add(shape)
        self.lines = VGroup()
        for level in bounds[1:-1]:
            lines = gen.lines(level)[0]
            line = VMobject(stroke_color=theme.background, stroke_width=0.8, stroke_opacity=0.5)
            for seg in lines:
                if len(seg) > 1:
                    line.start_new_path(self._xy_to_scene(seg[0])[0])
                    line.add_points_as_corners(self._xy_to_scene(seg[1:]))
            self.lines.add(line)
        self.add(self.bands, self.lines, self.frame)
        self.minima = VGroup()
        if show_minima:
            for m in land.minima:
                if x0 <= m[0] <= x1 and y0 <= m[1] <= y1:
                    self.minima.add(Cross(scale_factor=0.09, stroke_color=theme.text, stroke_width=3)
                                    .move_to(self._xy_to_scene(m)[0]))
            self.add(self.minima)

    def _shape(self, filled) -> VMobject:
        """One VMobject per band: every polygon (outer and holes) as a subpath."""
        points_list, offsets_list = filled
        shape = VMobject()
        for points, offsets in zip(points_list, offsets_list):
            for a, b in zip(offsets[:-1], offsets[1:]):
                ring = self._xy_to_scene(points[a:b])
                shape.start_new_path(ring[0])
                shape.add_points_as_corners(ring[1:])
        return shape

    def _xy_to_scene(self, xy) -> np.ndarray:
        xy = np.atleast_2d(np.asarray(xy, dtype=float))
        (x0, x1), (y0, y1) = self.land.domain
        corner = self.frame.get_corner(np.array([-1, -1, 0]))
        size = np.array([self.frame.width / (x1 - x0), self.frame.height / (y1 - y0)])
        out = np.zeros((len(xy), 3))
        out[:, :2] = corner[:2] + (xy - [x0, y0]) * size
        out[:, 2] = corner[2]
        return out

    def to_scene(self, xyf, lift: float = 0.0) -> np.ndarray:
        """Scene points (n, 3) for rows of (x, y[, loss]), clamped to the map's rectangle."""
        xyf = np.atleast_2d(np.asarray(xyf, dtype=float))
        (x0, x1), (y0, y1) = self.land.domain
        xy = np.column_stack([np.clip(xyf[:, 0], x0, x1), np.clip(xyf[:, 1], y0, y1)])
        return self._xy_to_scene(xy) + np.array([0.0, 0.0, lift])


def _ramp_color(ramp, t: float):
    """Colour at fraction ``t`` along a multi-stop ramp."""
    t = min(max(t, 0.0), 1.0) * (len(ramp) - 1)
    i = min(int(t), len(ramp) - 2)
    return interpolate_color(ManimColor(ramp[i]), ManimColor(ramp[i + 1]), t - i)
