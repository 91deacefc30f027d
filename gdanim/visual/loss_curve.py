"""LossCurve: loss against step on a log axis, one line per run, a cursor at the current step.

The axes carry their own tick values (decades 10ᵏ on a log axis, labelled "L − L* (log)"
once), and a run's line ends where the run stopped, a diverged one with a cross there.
``step_ticks`` numbers any plot's step axis the same way (StepHistory uses it too)."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Axes, Cross, DashedLine, Line, Text, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory
from gdanim.theme import THEME, Theme
from gdanim.wording import sci, superscript


def plotted_loss(traj: Trajectory, runs) -> tuple[np.ndarray, bool]:
    """(values, log): the excess loss L - L* on a log axis when the minimum is known and
    everything is positive; otherwise raw loss on a linear axis (e.g. the saddle)."""
    values = traj.losses[list(runs)]
    if traj.landscape.min_value is not None:
        values = values - traj.landscape.min_value
    log = bool(np.all(values[np.isfinite(values)] > -1e-12))
    if log:
        values = np.log10(np.maximum(values, 1e-12))
    return np.nan_to_num(values, nan=0.0, posinf=12.0, neginf=-12.0), log


TICK = 0.08  # length of a tick mark, outward from the axes


def axes_points(axes: Axes, xs, ys) -> np.ndarray:
    """Scene points of (xs, ys) on linear ``axes``, wherever the axes were moved: three c2p
    calls place them all (a c2p per point was half of OptimizerRace's render time, its curves
    being hundreds of steps long, redrawn every frame)."""
    origin = np.asarray(axes.c2p(0, 0))
    along, up = np.asarray(axes.c2p(1, 0)) - origin, np.asarray(axes.c2p(0, 1)) - origin
    return origin + np.outer(xs, along) + np.outer(ys, up)


def step_ticks(axes: Axes, last: int, style: dict, theme: Theme) -> tuple[VGroup, VGroup]:
    """(numbers, marks) under a step axis running 0..``last``: the first, middle and last step,
    each below a short outward mark, so no line drawn inside the axes runs over a number."""
    numbers, marks = VGroup(), VGroup()
    for x in sorted({0, last // 2, last}):
        at = axes.c2p(x, 0)
        marks.add(Line(at, at + TICK * DOWN, stroke_width=1.5, color=theme.axis_color))
        numbers.add(Text(str(x), **style).next_to(at + TICK * DOWN, DOWN, buff=0.05))
    return numbers, marks


class LossCurve(VGroup):
    """Lines grow with the step tracker; diverged runs are clipped at the top of the axis."""

    def __init__(self, traj: Trajectory, runs, step: ValueTracker, colors, *, width: float = 4.0,
                 height: float = 2.4, max_step: int | None = None, theme: Theme = THEME):
        super().__init__()
        self.runs, self.step = list(runs), step
        values, self.log = plotted_loss(traj, self.runs)
        last = int(max_step if max_step is not None else traj.stop_step[self.runs].max())
        last = max(last, 1)
        finite = values[:, : last + 1]
        lo, hi = float(np.floor(finite.min())), float(np.ceil(finite.max()))
        if hi - lo < 1:
            hi = lo + 1
        # values are drawn relative to the bottom so the step axis sits at the bottom edge
        self.values = np.clip(values, lo, hi) - lo
        self.value_range = (lo, hi)
        self.axes = Axes(x_range=[0, last, max(last // 4, 1)], y_range=[0, hi - lo, max((hi - lo) // 4, 1)],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.axis_color, "stroke_width": 1.5, "include_ticks": False})
        self.stops = np.asarray(traj.stop_step)[self.runs]
        small = {"font": theme.font, "font_size": theme.hud_size * 0.8, "color": theme.muted}
        self.ticks = self._ticks(lo, hi, last, small, theme)
        ylabel = "L − L* (log)" if self.log else "L"
        self.names = VGroup(
            Text("step", **small).next_to(self.ticks[1], DOWN, buff=0.05),
            Text(ylabel, **small).rotate(np.pi / 2).next_to(self.ticks[0], LEFT, buff=0.08),
        )
        self.lines = VGroup(*[VMobject(stroke_color=c, stroke_width=3) for c in colors])
        diverged = np.asarray(traj.stop_reason)[self.runs] == "diverged"
        self.crosses = VGroup(*[Cross(scale_factor=0.07, stroke_color=theme.status_colors["diverged"],
                                      stroke_width=3).set_opacity(0) for _ in self.runs])
        self.diverged = diverged
        self.cursor = DashedLine(self.axes.c2p(0, 0), self.axes.c2p(0, hi - lo), stroke_width=1.5,
                                 color=theme.muted)
        self.add(self.axes, self.ticks, self.names, self.lines, self.crosses, self.cursor)
        self._update()
        self.add_updater(lambda m: m._update())

    @classmethod
    def between(cls, top: float, bottom: float, *args, height: float = 2.4, **kwargs) -> "LossCurve":
        """A curve all of whose drawing (see ``reach``) lies between the heights ``top`` and
        ``bottom``, centred there: when ``height`` does not fit, the axes give up height and the
        numbers keep their size (a scale only if the names alone are too tall)."""
        curve = cls(*args, height=height, **kwargs)
        high, low = curve.reach()
        excess = (high - low) - (top - bottom)
        if excess > 0:
            curve = cls(*args, height=max(height - excess, 0.5), **kwargs)
            high, low = curve.reach()
            if high - low > top - bottom:
                curve.scale((top - bottom) / (high - low))
                high, low = curve.reach()
        return curve.shift(UP * ((top + bottom) - (high + low)) / 2)

    def reach(self) -> tuple[float, float]:
        """(top, bottom): the heights between which the curve draws at any step - its axes,
        numbers and names, and a diverged run's cross on the axes' top or bottom edge."""
        still = VGroup(self.axes, self.ticks, self.names)
        cross = max(c.height for c in self.crosses) / 2
        return (max(still.get_top()[1], self.axes.get_top()[1] + cross),
                min(still.get_bottom()[1], self.axes.get_bottom()[1] - cross))

    def _ticks(self, lo: float, hi: float, last: int, style: dict, theme: Theme) -> VGroup:
        """(y tick labels, x tick labels, tick marks): decades or three values up the side, the
        first, middle and last step along the bottom."""
        span = hi - lo
        if self.log:
            every = max(int(np.ceil(span / 4)), 1)
            ys = [(k - lo, f"10{superscript(int(k))}") for k in np.arange(lo, hi + 0.5, every)]
        else:
            ys = [(f * span, sci(lo + f * span)) for f in (0.0, 0.5, 1.0)]
        marks, ylabels = VGroup(), VGroup()
        for y, text in ys:
            at = self.axes.c2p(0, y)
            marks.add(Line(at, at + TICK * LEFT, stroke_width=1.5, color=theme.axis_color))
            ylabels.add(Text(text, **style).next_to(at + TICK * LEFT, LEFT, buff=0.05))
        xlabels, xmarks = step_ticks(self.axes, last, style, theme)
        return VGroup(ylabels, xlabels, marks.add(*xmarks))

    def points_until(self, i: int, s: float) -> np.ndarray:
        """Scene points of run ``i``'s curve up to fractional step ``s``, never past its stop."""
        k = int(min(max(s, 0), self.values.shape[1] - 1, self.stops[i]))
        return axes_points(self.axes, np.arange(k + 1), self.values[i, : k + 1])

    def _update(self) -> None:
        s = self.step.get_value()
        for i, line in enumerate(self.lines):
            pts = self.points_until(i, s)
            line.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
            ended = self.diverged[i] and s >= self.stops[i]
            self.crosses[i].move_to(pts[-1]).set_stroke(opacity=1.0 if ended else 0.0)
        top = self.axes.y_range[1]
        x = min(s, self.axes.x_range[1])
        self.cursor.put_start_and_end_on(self.axes.c2p(x, 0), self.axes.c2p(x, top))
