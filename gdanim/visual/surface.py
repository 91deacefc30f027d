"""LossSurface: a landscape as a shaded 3D surface on axes, with a display height transform."""

from __future__ import annotations

import numpy as np
from manim import Surface, ThreeDAxes, VGroup

from gdanim.display import HeightScale
from gdanim.landscapes import Landscape
from gdanim.visual.theme import THEME, Theme


class LossSurface(VGroup):
    """Axes plus surface. ``to_scene`` maps (x, y, loss) to scene points for tracers.

    Cairo spends its time per face in Python, so ``resolution`` (faces per side) and the
    stroke are what make a frame slow; 24 faces with no stroke reads well at 480p-1080p.
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
        self.surface = Surface(
            lambda u, v: self.axes.c2p(u, v, float(self.heights(land.value(np.array([u, v]))))),
            u_range=[x0, x1], v_range=[y0, y1], resolution=(resolution, resolution),
            fill_opacity=theme.surface_opacity, stroke_width=stroke_width,
            stroke_color=theme.surface_colors[0], checkerboard_colors=False,
        )
        stops = np.linspace(0, 1, len(theme.surface_colors))
        self.surface.set_fill_by_value(axes=self.axes, colorscale=list(zip(theme.surface_colors, stops)), axis=2)
        if not show_axes:  # tickless axes poke through the surface and say nothing; they stay
            self.axes.set_stroke(opacity=0)  # in the group as to_scene's frame of reference
        self.add(self.axes, self.surface)

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
