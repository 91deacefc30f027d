"""Value labels: a number a caption quotes, written on a small panel beside the point it names,
on the side that keeps clear of the trails, lines and labels already drawn there.

Placement is plain geometry on points (tested without rendering); the scenes pass the points
to avoid (sampled trails, lines, markers) and the rectangle to stay in (a map, a chart).
"""

from __future__ import annotations

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, BackgroundRectangle, Text, VGroup

from gdanim.theme import THEME, Theme

SIDES = (DOWN, UP, LEFT, RIGHT, DL, DR, UL, UR)  # where a label may sit beside its point, in preference
FONT_SIZE = 20  # legible at 480 px
ENOUGH = 0.15  # scene units: a side this clear of everything is as good as any clearer one


def value_tag(text: str, color: str | None = None, font_size: float = FONT_SIZE, theme: Theme = THEME) -> VGroup:
    """``text`` on a small panel; ``label.text`` keeps the string, for tests and probes."""
    words = Text(text, font=theme.font, font_size=font_size, color=color or theme.text)
    label = VGroup(BackgroundRectangle(words, color=theme.panel, fill_opacity=theme.panel_opacity, buff=0.05),
                   words)
    label.text = text
    return label


def polyline_samples(points, per_segment: int = 16) -> np.ndarray:
    """Points along a polyline, dense enough that a box kept clear of them is clear of the line."""
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    if len(pts) < 2:
        return pts
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    return np.vstack([*(a + t * (b - a) for a, b in zip(pts[:-1], pts[1:])), pts[-1:]])


def box_samples(box, spacing: float = 0.05) -> np.ndarray:
    """A mobject's bounding box filled with points ``spacing`` apart: a label kept clear of
    them cannot overlap the box (no smaller label fits between them)."""
    lo, hi = box.get_corner(DL), box.get_corner(UR)
    xs = np.linspace(lo[0], hi[0], int(np.ceil((hi[0] - lo[0]) / spacing)) + 1)
    ys = np.linspace(lo[1], hi[1], int(np.ceil((hi[1] - lo[1]) / spacing)) + 1)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel(), np.full(gx.size, lo[2])])


def clearance(box, points) -> float:
    """Distance from the points to a mobject's bounding box (0 for a point inside it)."""
    points = np.asarray(points, dtype=float).reshape(-1, 3)
    if not len(points):
        return np.inf
    lo, hi = box.get_corner(DL)[:2], box.get_corner(UR)[:2]
    gap = np.maximum(np.maximum(lo - points[:, :2], points[:, :2] - hi), 0.0)
    return float(np.min(np.hypot(gap[:, 0], gap[:, 1])))


def inside(box, bounds) -> bool:
    """Whether a mobject's bounding box lies within the bounds mobject's."""
    return bool(np.all(box.get_corner(DL)[:2] >= bounds.get_corner(DL)[:2] - 1e-9)
                and np.all(box.get_corner(UR)[:2] <= bounds.get_corner(UR)[:2] + 1e-9))


def place_clear(box, anchor, avoid, bounds, buff: float = 0.1, labels=()):
    """Put ``box`` beside ``anchor`` (a point or a mobject): never over ``labels`` (mobjects
    placed before) where any spot allows, then within ``bounds``, then on the side (of SIDES)
    farthest from the points ``avoid``, at the nearest of three distances (``buff``, 2.5 and 5
    times it) that is as clear; beside a left or right side it may also slide up or down by
    half or all of its height. Returns ``box``."""
    avoid = np.asarray(avoid, dtype=float).reshape(-1, 3)
    taken = np.vstack([box_samples(m) for m in labels]) if len(labels) else np.zeros((0, 3))
    # beside the anchor, or slid along that side by half or all of the label's height
    slides = [0.0, 0.5, -0.5, 1.0, -1.0]
    spots = [(side, gap, slide) for slide in slides for gap in (buff, 2.5 * buff, 5 * buff) for side in SIDES]

    def put(spot):
        side, gap, slide = spot
        box.next_to(anchor, side, buff=gap).shift(UP * slide * box.height * (side[1] == 0))

    def score(spot):
        put(spot)
        return clearance(box, taken) > 0, inside(box, bounds), round(min(clearance(box, avoid), ENOUGH), 2)

    put(max(spots, key=score))
    return box
