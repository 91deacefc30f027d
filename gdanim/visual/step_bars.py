"""StepBars: each run's per-coordinate effective step size as live bars on a log scale.

The effective step is the engine's ``Trajectory.step_scale``: the learning rate actually
applied to each coordinate, lr / (sqrt(...) + eps) for adaptive methods. Which step is shown
at the tracker's step k, and where a value lands on the log axis, are plain functions tested
without rendering. ``StepHistory`` draws the same numbers over time for one coordinate.
Bars and value labels are fixed VMobjects whose points are rewritten in place (Cairo keeps
the family it saw when a play started); labels are composed from cached glyphs.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, Axes, DashedLine, Line, MathTex, Rectangle, Text, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory
from gdanim.visual.leaderboard import GlyphWriter
from gdanim.visual.theme import THEME, Theme

COORDINATES = ("x", "y")


def step_index(traj: Trajectory, run: int, k: float) -> int:
    """Index into ``step_scale`` shown at tracker step ``k``: the step that brought the run to
    position k (step k, index k - 1); before step 1 the first step; once stopped, its last."""
    k = int(k + 1e-9)
    return int(min(max(min(k, int(traj.stop_step[run])) - 1, 0), traj.steps - 1))


def step_sizes(traj: Trajectory, runs, k: float) -> np.ndarray:
    """(len(runs), 2): each run's per-coordinate effective step shown at tracker step ``k``."""
    return np.array([traj.step_scale[run, step_index(traj, run, k)] for run in runs])


def decade_span(values) -> tuple[int, int]:
    """(lo, hi): whole powers of ten enclosing the positive finite values (at least one decade)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return -1, 0
    lo, hi = int(np.floor(np.log10(v.min()))), int(np.ceil(np.log10(v.max())))
    return lo, max(hi, lo + 1)


def log_fraction(value: float, lo: int, hi: int) -> float:
    """Where ``value`` sits between 10**lo and 10**hi, in [0, 1] (0 for zero or below)."""
    if not (np.isfinite(value) and value > 0):
        return 0.0
    return float(np.clip((np.log10(value) - lo) / (hi - lo), 0.0, 1.0))


def value_label(value: float) -> str:
    """Three significant figures, a fixed width of 8 characters."""
    return f"{value:.3g}".rjust(8) if value > 0 else "0".rjust(8)


def decade_tex(power: int) -> str:
    return "1" if power == 0 else "10" if power == 1 else f"10^{{{power}}}"


class StepBars(VGroup):
    """A panel with two bars (x, y) per run: the effective step shown at the tracker's step.

    Bars run left to right on a shared log axis (decade grid lines, labelled below); the
    value is written at the right of each row. ``first_marks`` adds a thin tick at each bar's
    step-1 value, so shrinking or growing since the start is visible.
    """

    def __init__(self, traj: Trajectory, runs, step: ValueTracker, names, colors, *,
                 bar_width: float = 3.2, bar_height: float = 0.2, font_size: float = 20,
                 title: str = "Effective step per coordinate (log scale)", first_marks: bool = True,
                 max_step: int | None = None, theme: Theme = THEME):
        super().__init__()
        self.traj, self.runs, self.step = traj, list(runs), step
        last = traj.steps if max_step is None else int(max_step)
        shown = np.concatenate([step_sizes(traj, self.runs, k) for k in range(last + 1)])
        self.lo, self.hi = decade_span(shown)
        self.bar_width, self.bar_height = bar_width, bar_height
        self.writer = GlyphWriter("0123456789.e-+", font=theme.mono, font_size=font_size)
        row = bar_height + 0.16
        gap = 0.14  # between runs

        heading = Text(title, font=theme.font, font_size=font_size, color=theme.text)
        name_texts = [Text(n, font=theme.font, font_size=font_size, color=c) for n, c in zip(names, colors)]
        name_width = max(t.width for t in name_texts)
        coord = [Text(c, font=theme.mono, font_size=font_size, color=theme.muted) for c in COORDINATES]
        label_width = 8 * self.writer.advance
        inner = name_width + 0.2 + coord[0].width + 0.15 + bar_width + 0.2 + label_width
        pad = 0.2
        n = len(self.runs)
        rows_height = n * 2 * row + (n - 1) * gap
        axis_height = 0.55
        height = pad + heading.height + 0.25 + rows_height + axis_height + pad
        self.panel = Rectangle(width=max(inner, heading.width) + 2 * pad, height=height,
                               fill_color=theme.panel, fill_opacity=theme.panel_opacity,
                               stroke_color=theme.axis_color, stroke_width=1.0)
        corner = self.panel.get_corner(UL)
        heading.next_to(corner, DOWN + RIGHT, buff=0).shift(pad * (RIGHT + DOWN))
        x0 = corner[0] + pad + name_width + 0.2 + coord[0].width + 0.15  # bars start here
        self.bar_left = x0
        top = heading.get_bottom()[1] - 0.25

        self.row_centers = []  # (run index, coordinate) -> y
        statics = VGroup()
        for i, text in enumerate(name_texts):
            y_top = top - i * (2 * row + gap)
            centers = [y_top - row / 2, y_top - 3 * row / 2]
            self.row_centers.append(centers)
            text.move_to([corner[0] + pad + text.width / 2, (centers[0] + centers[1]) / 2, 0])
            statics.add(text)
            for c, y in zip(coord, centers):
                statics.add(c.copy().move_to([x0 - 0.15 - c.width / 2, y, 0]))
        bottom = top - rows_height
        grid = VGroup()
        ticks = VGroup()
        for power in range(self.lo, self.hi + 1):
            x = x0 + bar_width * (power - self.lo) / (self.hi - self.lo)
            grid.add(Line([x, top + 0.05, 0], [x, bottom - 0.05, 0], stroke_color=theme.axis_color,
                          stroke_width=1.0))
            ticks.add(MathTex(decade_tex(power), font_size=font_size * 1.3, color=theme.muted)
                      .next_to([x, bottom - 0.05, 0], DOWN, buff=0.08))
        self.add(self.panel, heading, grid, ticks, statics)

        self.first = VGroup()
        if first_marks:
            firsts = step_sizes(traj, self.runs, 1)
            for i in range(n):
                for c in range(2):
                    x = x0 + bar_width * log_fraction(firsts[i, c], self.lo, self.hi)
                    y = self.row_centers[i][c]
                    self.first.add(Line([x, y - bar_height * 0.85, 0], [x, y + bar_height * 0.85, 0],
                                        stroke_color=theme.text, stroke_width=2.0, stroke_opacity=0.8))
        self.bars = [[VMobject(fill_color=col, fill_opacity=1.0 if c == 0 else 0.65, stroke_width=0)
                      for c in range(2)] for col in colors]
        self.labels = [[VMobject(fill_color=theme.text, fill_opacity=1.0, stroke_width=0) for _ in range(2)]
                       for _ in colors]
        self.label_left = x0 + bar_width + 0.2
        self._corner = corner  # bar and label positions are relative to it: the panel may move
        self.add(*[b for pair in self.bars for b in pair], self.first, *[t for pair in self.labels for t in pair])
        self._shown = None
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def bar_extent(self, run: int, coordinate: int) -> float:
        """Drawn length of a bar (scene units), measured from its points."""
        xs = self.bars[run][coordinate].points[:, 0]
        return float(xs.max() - xs.min())

    def bar_length(self, value: float) -> float:
        """Scene length of a bar showing ``value``."""
        return self.bar_width * log_fraction(value, self.lo, self.hi)

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        values = step_sizes(self.traj, self.runs, k)
        dx, dy, _ = self.panel.get_corner(UL) - self._corner
        h, x0 = self.bar_height / 2, self.bar_left + dx
        for i, pair in enumerate(self.bars):
            for c, bar in enumerate(pair):
                y = self.row_centers[i][c] + dy
                x1 = x0 + max(self.bar_length(values[i, c]), 1e-3)
                bar.set_points_as_corners([[x0, y - h, 0], [x1, y - h, 0], [x1, y + h, 0],
                                           [x0, y + h, 0], [x0, y - h, 0]])
                baseline = [self.label_left + dx, y - self.writer.height / 2, 0]
                self.labels[i][c].set_points(self.writer.points(value_label(values[i, c])) + baseline)
        self._shown = k


class StepHistory(VGroup):
    """Each run's effective step on one coordinate against step number, on a log axis; the
    lines grow with the step tracker."""

    def __init__(self, traj: Trajectory, runs, step: ValueTracker, colors, *, coordinate: int = 0,
                 width: float = 4.0, height: float = 1.6, max_step: int | None = None,
                 font_size: float = 18, theme: Theme = THEME):
        super().__init__()
        self.traj, self.runs, self.step, self.coordinate = traj, list(runs), step, coordinate
        self.last = max(traj.steps if max_step is None else int(max_step), 1)
        self.values = np.array([[traj.step_scale[run, step_index(traj, run, k), coordinate]
                                 for k in range(self.last + 1)] for run in self.runs])
        self.lo, self.hi = decade_span(self.values)
        span = self.hi - self.lo  # drawn as log10(value) - lo, so the step axis is the bottom edge
        self.axes = Axes(x_range=[0, self.last, max(self.last // 4, 1)], y_range=[0, span, 1],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.axis_color, "stroke_width": 1.5, "include_ticks": False})
        ticks = VGroup(*[MathTex(decade_tex(p), font_size=font_size * 1.3, color=theme.muted)
                         .next_to(self.axes.c2p(0, p - self.lo), LEFT, buff=0.1) for p in range(self.lo, self.hi + 1)])
        xlabel = Text("step", font=theme.font, font_size=font_size, color=theme.muted)
        xlabel.next_to(self.axes.x_axis, DOWN, buff=0.1).align_to(self.axes.x_axis, RIGHT)
        self.lines = VGroup(*[VMobject(stroke_color=c, stroke_width=3) for c in colors])
        self.cursor = DashedLine(self.axes.c2p(0, 0), self.axes.c2p(0, span), stroke_width=1.5,
                                 color=theme.muted)
        self.add(self.axes, ticks, xlabel, self.lines, self.cursor)
        self._update()
        self.add_updater(lambda m: m._update())

    def points_until(self, i: int, s: float) -> np.ndarray:
        """Scene points of run ``i``'s line from step 1 up to the integer part of ``s``."""
        k = int(min(max(s, 1), self.last))
        steps = np.arange(1, k + 1)
        logs = np.log10(np.clip(self.values[i, 1:k + 1], 10.0**self.lo, 10.0**self.hi)) - self.lo
        return np.array([self.axes.c2p(x, y) for x, y in zip(steps, logs)])

    def _update(self) -> None:
        s = self.step.get_value()
        for i, line in enumerate(self.lines):
            pts = self.points_until(i, s)
            line.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
        x = min(max(s, 0), self.last)
        self.cursor.put_start_and_end_on(self.axes.c2p(x, 0), self.axes.c2p(x, self.hi - self.lo))
