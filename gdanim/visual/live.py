"""Live-updating text for Cairo: overwrite points in place instead of swapping mobjects.

manim's Cairo renderer snapshots the moving mobjects' families when ``play`` starts, so a
child swapped in during the animation is never drawn (and a frame-fixed overlay forgets it).
A ``LiveShape`` keeps one mobject and copies another mobject's outline and colour into it.
"""

from __future__ import annotations

import numpy as np
from manim import VMobject


class LiveShape(VMobject):
    """A single VMobject that can take on the look of any (multi-part) VMobject."""

    def show(self, source: VMobject) -> "LiveShape":
        parts = [m for m in source.family_members_with_points()]
        points = np.vstack([m.points for m in parts]) if parts else np.zeros((0, 3))
        self.set_points(points)
        if parts:
            first = parts[0]
            self.set_fill(first.get_fill_color(), opacity=first.get_fill_opacity())
            self.set_stroke(first.get_stroke_color(), width=first.get_stroke_width(),
                            opacity=first.get_stroke_opacity())
        return self
