"""RegressionPlot: a data landscape's samples as a scatter, with fitted lines y = w x + b that
follow runs of a Trajectory; FitLegend names each line and counts its loss and gradients,
StepCounter shows the step they are at, and LossWindow draws one run's loss over its last steps.

The geometry (which (w, b) a line shows at a fractional step, where it meets the plot's box)
is plain numpy, tested without rendering; how many sample gradients a run has used, and how a
loss is printed, come from the lesson (gdanim.lessons.batch_vs_stochastic), so the legend and
the captions count and round alike.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, DashedLine, Dot, Line, Rectangle, Text, ValueTracker, VGroup, VMobject

from gdanim.display import point_at
from gdanim.engine import Trajectory
from gdanim.landscapes import Landscape
from gdanim.lessons.batch_vs_stochastic import batch_size_of, gradient_evaluations, loss_text, rising_steps
from gdanim.visual.live import LiveShape
from gdanim.theme import THEME, Theme
from gdanim.wording import signed


def fit_at(traj: Trajectory, run: int, s: float) -> tuple[float, float]:
    """(w, b) of run ``run`` at fractional step ``s`` (linear between steps, frozen after a stop)."""
    positions = traj.positions[run, : int(traj.stop_step[run]) + 1]
    w, b = point_at(positions, s)
    return float(w), float(b)


def clip_line(w: float, b: float, x_range, y_range) -> np.ndarray | None:
    """End points (2, 2) of the part of y = w x + b inside the box, or None if it misses it."""
    (x0, x1), (y0, y1) = x_range, y_range
    if w == 0:
        return np.array([[x0, b], [x1, b]]) if y0 <= b <= y1 else None
    xa, xb = (y0 - b) / w, (y1 - b) / w
    lo, hi = max(x0, min(xa, xb)), min(x1, max(xa, xb))
    if lo > hi:
        return None
    return np.array([[lo, w * lo + b], [hi, w * hi + b]])


def sampled_samples(traj: Trajectory, run: int, *, rtol: float = 1e-9) -> np.ndarray:
    """Per step, the one sample a batch-1 run's gradient came from, read back from the gradient it
    used (each sample's own gradient at that step's point, matched); -1 where none or several match
    (e.g. a noise-free fit where every residual is zero), and all -1 for larger batches."""
    steps = int(traj.stop_step[run])
    picks = np.full(steps, -1, dtype=int)
    if traj.sample_gradients is None or batch_size_of(traj) != 1 or steps == 0:
        return picks
    land, n = traj.landscape, traj.landscape.n_samples
    idx = np.arange(n)[:, None]
    for k in range(steps):
        used = traj.sample_gradients[run, k]
        own = land.batch_gradient(np.repeat(traj.positions[run, k][None], n, axis=0), idx)
        gap = np.linalg.norm(own - used, axis=1)
        close = np.flatnonzero(gap <= rtol * max(1.0, float(np.linalg.norm(used))))
        if len(close) == 1 and np.all(np.isfinite(own[close[0]])):
            picks[k] = close[0]
    return picks


def nice_range(values, pad: float = 0.05) -> tuple[float, float]:
    """Whole-number bounds around ``values`` with a little padding."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = max(hi - lo, 1e-9)
    return float(math.floor(lo - pad * span)), float(math.ceil(hi + pad * span))


def tick_values(lo: float, hi: float, step: float) -> list[float]:
    """The multiples of ``step`` in [lo, hi] (where a plot's ticks go)."""
    first = math.ceil(lo / step - 1e-9)
    return [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def name_slot(ticks, lo: float, hi: float) -> float:
    """Where along an edge [lo, hi] an axis name goes among tick labels at ``ticks``: the middle
    of the gap between neighbouring ticks (or an end of the edge) nearest the edge's centre."""
    stops = sorted({lo, hi, *ticks})
    gaps = [(a + b) / 2 for a, b in zip(stops, stops[1:]) if b - a > 1e-9] or [(lo + hi) / 2]
    return min(gaps, key=lambda m: abs(m - (lo + hi) / 2))


def frame_labels(frame, xs, ys, to_scene, *, x_name: str | None = None, y_name: str | None = None,
                 theme: Theme = THEME, font_size: float = 20, gap: float = 0.12) -> VGroup:
    """Tick labels outside a plot's frame: each x value below the bottom edge, each y value left
    of the left edge, ``gap`` away, centred on its value. A y label is lifted to keep above the
    bottom edge's level, so it never meets an x label in the corner; none reach inside the frame.
    The axis names, if given, go in the same row / column, between two ticks near the middle
    (last in the group, x's before y's).
    ``to_scene(x, y)`` maps data to scene points (only the coordinate along the edge is used)."""
    bottom, left = frame.get_bottom()[1], frame.get_left()[0]
    style = {"font": theme.font, "font_size": font_size, "color": theme.muted}
    x_at = [float(to_scene(x, 0.0)[0]) for x in xs]
    y_at = [float(to_scene(0.0, y)[1]) for y in ys]
    placed = [(signed(x), at, True) for x, at in zip(xs, x_at)] + [(signed(y), at, False) for y, at in zip(ys, y_at)]
    if x_name is not None:  # the names last
        placed.append((x_name, name_slot(x_at, left, frame.get_right()[0]), True))
    if y_name is not None:
        placed.append((y_name, name_slot(y_at, bottom, frame.get_top()[1]), False))
    labels = VGroup()
    for text, at, is_x in placed:
        label = Text(text, **style)
        if is_x:
            label.move_to([at, bottom - gap - label.height / 2, 0])
        else:
            label.move_to([left - gap - label.width / 2, at, 0])
            label.shift(UP * max(0.0, bottom - label.get_bottom()[1]))
        labels.add(label)
    return labels


class RegressionPlot(VGroup):
    """A framed box over the data, one dot per sample; ``add_fit`` adds a line driven by a step
    tracker.

    The frame is the data's box; faint axes mark x = 0 and y = 0 inside it, and the tick labels
    sit outside it (below, and to the left), so neither the data nor a fitted line (clipped to
    the frame) ever runs over a number. Frame, axes, ticks and names are static (add the plot
    before moving mobjects); each fitted line is one VMobject whose points are rewritten in
    place.
    """

    TICK = 0.07  # length of a tick mark, outward from the frame
    GAP = 0.14  # from the frame to a tick label

    def __init__(self, land: Landscape, *, width: float = 4.6, height: float = 4.6,
                 dot_radius: float = 0.045, theme: Theme = THEME):
        super().__init__()
        if land.data is None:
            raise ValueError(f"landscape {land.name!r} has no data samples to plot")
        self.land, self.theme = land, theme
        xs, ys = land.data
        self.x_range, self.y_range = nice_range(xs), nice_range(ys)
        x_step = max(1, round((self.x_range[1] - self.x_range[0]) / 4))
        y_step = max(1, round((self.y_range[1] - self.y_range[0]) / 4))
        self.axes = Axes(x_range=[*self.x_range, x_step], y_range=[*self.y_range, y_step],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.axis_color, "stroke_width": 1.0, "stroke_opacity": 0.6,
                                      "include_ticks": False, "include_numbers": False})
        self.frame = Rectangle(width=width, height=height, stroke_color=theme.axis_color, stroke_width=1.5)
        self.frame.move_to(self.axes.c2p(sum(self.x_range) / 2, sum(self.y_range) / 2))
        x_ticks, y_ticks = tick_values(*self.x_range, x_step), tick_values(*self.y_range, y_step)
        bottom, left = self.frame.get_bottom()[1], self.frame.get_left()[0]
        self.tick_marks = VGroup(
            *[Line([self.axes.c2p(x, 0)[0], bottom, 0], [self.axes.c2p(x, 0)[0], bottom - self.TICK, 0])
              for x in x_ticks],
            *[Line([left, self.axes.c2p(0, y)[1], 0], [left - self.TICK, self.axes.c2p(0, y)[1], 0])
              for y in y_ticks],
        ).set_stroke(theme.axis_color, width=1.5)
        # the tick labels, then the names "x" and "y" in the same row and column
        self.numbers = frame_labels(self.frame, x_ticks, y_ticks, lambda x, y: self.axes.c2p(x, y),
                                    x_name="x", y_name="y", theme=theme, gap=self.GAP)
        self.labels = VGroup(*self.numbers[-2:])
        self.numbers.remove(*self.labels)
        self.scaffold = VGroup(self.axes, self.frame, self.tick_marks, self.numbers, self.labels)
        self.dots = VGroup(*[Dot(self.axes.c2p(x, y), radius=dot_radius, color=theme.text, fill_opacity=0.8)
                             for x, y in zip(xs, ys)])
        self.fits = VGroup()
        self.add(self.scaffold, self.dots)

    def data_points(self) -> np.ndarray:
        """(n, 2) data coordinates of the drawn dots (read back from the scene)."""
        return np.array([self.axes.p2c(d.get_center()) for d in self.dots])

    def line_points(self, w: float, b: float) -> np.ndarray | None:
        """Scene end points of y = w x + b inside the axes, or None if it misses them."""
        ends = clip_line(w, b, self.x_range, self.y_range)
        return None if ends is None else np.array([self.axes.c2p(x, y) for x, y in ends])

    def static_line(self, w: float, b: float, *, color: str, dashed: bool = True, stroke_width: float = 2.5):
        """A fixed line (e.g. the least-squares fit); not added to the plot."""
        ends = self.line_points(w, b)
        if ends is None:
            return VGroup()
        cls = DashedLine if dashed else Line
        return cls(ends[0], ends[1], color=color, stroke_width=stroke_width)

    def add_fit(self, traj: Trajectory, run: int, step: ValueTracker, *, color: str,
                stroke_width: float = 3.5) -> "FittedLine":
        line = FittedLine(self, traj, run, step, color=color, stroke_width=stroke_width)
        self.fits.add(line)
        return line


class FittedLine(VMobject):
    """The line y = w x + b of one run at the tracker's (fractional) step."""

    def __init__(self, plot: RegressionPlot, traj: Trajectory, run: int, step: ValueTracker, *,
                 color: str, stroke_width: float = 3.5):
        super().__init__(stroke_color=color, stroke_width=stroke_width)
        self.plot, self.traj, self.run, self.step = plot, traj, run, step
        self.opacity = 1.0
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def fit(self) -> tuple[float, float]:
        return fit_at(self.traj, self.run, self.step.get_value())

    def refresh(self) -> None:
        ends = self.plot.line_points(*self.fit())
        if ends is None:  # off the plot: keep the mobject (Cairo's family snapshot) but hide it
            centre = self.plot.axes.get_center()
            self.set_points_as_corners([centre, centre])
            self.set_stroke(opacity=0.0)
        else:
            self.set_points_as_corners(ends)
            self.set_stroke(opacity=self.opacity)


def values_text(loss: float, grads: int) -> str:
    """A loss and a count of sample gradients as the legend rows print them."""
    return f"loss  {loss_text(loss)}\ngrads {grads}"


def legend_values(traj: Trajectory, run: int, k: int) -> str:
    """The live lines under a legend entry at step ``k``: loss and sample gradients used."""
    k = int(min(max(k, 0), traj.steps))
    return values_text(traj.losses[run, k], gradient_evaluations(traj, run, k))


class FitLegend(VGroup):
    """One entry per line: a colour swatch and name, and a row of live numbers below it.

    The rows are LiveShape slots refreshed when the integer step changes; each step's text is
    built once and cached (Text is costly).
    """

    def __init__(self, entries, step: ValueTracker, *, theme: Theme = THEME, buff: float = 0.3):
        """``entries``: (name, colour, trajectory, run) per line; ``buff``: space between entries."""
        super().__init__()
        self.entries, self.step, self.theme = list(entries), step, theme
        blocks = []
        for name, color, _, _ in self.entries:
            swatch = Line(LEFT * 0.2, RIGHT * 0.2, color=color, stroke_width=5)
            label = Text(name, font=theme.font, font_size=20, color=color)
            blocks.append(VGroup(swatch, label).arrange(RIGHT, buff=0.15))
        self._cache: dict[int, list] = {}
        self._shown = None
        rows = self._rows(0)
        for block, row in zip(blocks, rows):
            self.place_row(row, block)
        self.slots = [LiveShape().show(row) for row in rows]
        for block, slot in zip(blocks, self.slots):
            block.add(slot)
        self.blocks = VGroup(*blocks).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        self.add(self.blocks)
        self.add_updater(lambda m: m.refresh())

    @staticmethod
    def place_row(row, block) -> None:
        """Rows of numbers under an entry's name, from the name's left edge."""
        row.next_to(block[1], DOWN, buff=0.12, aligned_edge=LEFT)

    def _rows(self, k: int) -> list:
        if k not in self._cache:
            self._cache[k] = [Text(legend_values(traj, run, k), font=self.theme.mono, font_size=18,
                                   color=self.theme.text, line_spacing=0.8) for _, _, traj, run in self.entries]
        return self._cache[k]

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        rows = self._rows(k)
        for block, row, slot in zip(self.blocks, rows, self.slots):
            self.place_row(row, block)
            slot.show(row)
        self._shown = k


class StepCounter(VGroup):
    """One live line, ``prefix`` then 'step k' at the tracker's whole step (e.g. 'α = 0.1   step 40'):
    the step a caption quotes, read off the screen. Texts are cached per step (Text is costly)."""

    def __init__(self, prefix: str, step: ValueTracker, *, theme: Theme = THEME):
        super().__init__()
        self.prefix, self.step, self.theme = prefix, step, theme
        self._cache: dict[int, Text] = {}
        self._shown = None
        self.slot = LiveShape()
        self.add(self.slot)
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def text_at(self, k: int) -> str:
        return f"{self.prefix}step {k}"

    @property
    def shown(self) -> str:
        """The line on screen now."""
        return self.text_at(self._shown)

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        if k not in self._cache:
            self._cache[k] = Text(self.text_at(k), font=self.theme.mono, font_size=self.theme.hud_size,
                                  color=self.theme.text)
        row = self._cache[k]
        if self._shown is not None:  # keep the left edge where it was placed
            row.align_to(self.slot, LEFT).set_y(self.slot.get_y())
        self.slot.show(row)
        self._shown = k


class LossWindow(VGroup):
    """A run's loss at each step of a window: a small framed strip whose line grows with a
    tracker (steps ``first_step`` ..), the steps where the loss rose drawn bold and the falls
    thin, so rises can be counted; the quoted losses label the left edge at their heights, the
    window's first and last step sit below its ends."""

    GAP = 0.12  # from the strip's left edge to its value labels

    def __init__(self, losses, first_step: int, quoted, color: str, step: ValueTracker, *,
                 width: float = 3.2, height: float = 0.8, theme: Theme = THEME):
        """``width``: the whole strip's, value labels included; ``height``: its frame's."""
        super().__init__()
        self.losses = np.asarray(losses, dtype=float)
        self.first_step, self.step = int(first_step), step
        self.span = (float(self.losses.min()), float(self.losses.max()))
        style = {"font": theme.mono, "font_size": theme.hud_size, "color": theme.text}
        self.values = VGroup(*[Text(loss_text(v), **style) for v in quoted])
        box = width - max(label.width for label in self.values) - self.GAP
        self.frame = Rectangle(width=box, height=height, stroke_color=theme.axis_color, stroke_width=1.5)
        xs = np.linspace(-box / 2, box / 2, len(self.losses)) if len(self.losses) > 1 else np.zeros(1)
        self.corners = np.column_stack([xs, [self.height_of(v, height) for v in self.losses], np.zeros(len(xs))])
        self.rising = rising_steps(self.losses)  # the rises the caption counts
        self.segments = VGroup(*[Line(a, b, color=color, stroke_width=4.5 if up else 1.5)
                                 for a, b, up in zip(self.corners[:-1], self.corners[1:], self.rising)])
        self.dots = VGroup(*[Dot(c, radius=0.035, color=color) for c in self.corners])
        for label, v in zip(self.values, quoted):
            label.next_to([-box / 2, self.height_of(v, height), 0], LEFT, buff=self.GAP)
        last = self.first_step + len(self.losses) - 1
        small = {"font": theme.font, "font_size": theme.hud_size * 0.85, "color": theme.muted}
        self.steps = VGroup(Text(str(self.first_step), **small), Text(str(last), **small))
        for label, x, edge in zip(self.steps, (xs[0], xs[-1]), (LEFT, RIGHT)):  # within the frame's width
            label.next_to([x, -height / 2, 0], DOWN, buff=0.08, aligned_edge=edge)
        self.add(self.frame, self.segments, self.dots, self.values, self.steps)
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def height_of(self, value: float, height: float) -> float:
        """Where ``value`` sits up the strip: the window's lowest loss at the bottom edge, its
        highest at the top (the middle when they print alike)."""
        lo, hi = self.span
        if loss_text(lo) == loss_text(hi):
            return 0.0
        return (float(np.clip(value, lo, hi)) - lo) / (hi - lo) * height - height / 2

    def shown_steps(self) -> int:
        """How many of the window's steps the line has reached at the tracker's value: a step's
        segment shows as soon as the replay moves along it (so it is whole on a play's last
        frame, which manim draws just short of the end)."""
        return int(np.clip(np.ceil(self.step.get_value() - self.first_step - 1e-9), 0, len(self.losses) - 1))

    def refresh(self) -> None:
        reached = self.shown_steps()
        for i, segment in enumerate(self.segments):
            segment.set_stroke(opacity=(1.0 if self.rising[i] else 0.6) if i < reached else 0.0)
        for i, dot in enumerate(self.dots):
            dot.set_opacity(1.0 if i <= reached else 0.0)
