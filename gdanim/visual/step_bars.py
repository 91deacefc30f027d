"""StepBars: each run's per-coordinate values (learning rates) as live bars on a log scale.

Both pieces draw arrays the lesson plan computed, indexed by the tracker's step k: StepBars
a (runs, steps+1, 2) array, one bar per run and coordinate; StepHistory one coordinate over
time, optionally with a second, thinner series (the real steps beside the rates). Where a value
lands on the log axis is a plain function tested without rendering. Bars and value labels are
fixed VMobjects whose points are rewritten in place (Cairo keeps the family it saw when a play
started); labels are composed from cached glyphs.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, Axes, DashedLine, Dot, Line, MathTex, Rectangle, Text, ValueTracker,
                   VGroup, VMobject)

from gdanim.lessons.adaptive_learning_rates import DIGITS
from gdanim.visual.glyphs import GlyphWriter
from gdanim.visual.loss_curve import axes_points, step_ticks
from gdanim.theme import THEME, Theme
from gdanim.wording import NUMBER_CHARS, sci

COORDINATES = ("x", "y")


def tracker_index(k: float, last: int) -> int:
    """Index into a (steps+1)-long array shown at tracker step ``k`` (clamped to 0..last)."""
    return int(min(max(int(k + 1e-9), 0), last))


def decade_span(values, max_decades: int | None = None) -> tuple[int, int]:
    """(lo, hi): whole powers of ten enclosing the positive finite values (at least one decade);
    with ``max_decades`` the span is cut from below (smaller values sit on the bottom edge)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return -1, 0
    lo, hi = int(np.floor(np.log10(v.min()))), int(np.ceil(np.log10(v.max())))
    hi = max(hi, lo + 1)
    return (max(lo, hi - max_decades) if max_decades else lo), hi


def log_fraction(value: float, lo: int, hi: int) -> float:
    """Where ``value`` sits between 10**lo and 10**hi, in [0, 1] (0 for zero or below)."""
    if not (np.isfinite(value) and value > 0):
        return 0.0
    return float(np.clip((np.log10(value) - lo) / (hi - lo), 0.0, 1.0))


def value_label(value: float) -> str:
    """A rate as the lesson's captions quote it (DIGITS figures, wording.sci)."""
    return sci(float(value), DIGITS)


def decade_tex(power: int) -> str:
    return "1" if power == 0 else "10" if power == 1 else f"10^{{{power}}}"


class StepBars(VGroup):
    """A panel with two bars (x, y) per run: ``values[run, k]`` at the tracker's step k.

    Bars run left to right on a shared log axis (decade grid lines, labelled below); the
    value is written at the right of each row. ``first_marks`` adds a thin tick at each bar's
    step-1 value, so shrinking or growing since the start is visible. ``notes`` (a text or
    None per run) puts each run's name on its x row and its note on its y row, hidden until
    ``show_note`` (a value a caption quotes about the run, such as its final loss).
    """

    def __init__(self, values, step: ValueTracker, names, colors, *,
                 bar_width: float = 3.2, bar_height: float = 0.2, font_size: float = 20,
                 title: str = "Learning rate per coordinate (log scale)", first_marks: bool = True,
                 notes=None, theme: Theme = THEME):
        super().__init__()
        self.values, self.step = np.asarray(values, dtype=float), step
        self.last = self.values.shape[1] - 1
        self.lo, self.hi = decade_span(self.values)
        self.bar_width, self.bar_height = bar_width, bar_height
        self.writer = GlyphWriter(NUMBER_CHARS, font=theme.mono, font_size=font_size)
        # labels are right-aligned to the longest one the run shows: the column does not jitter
        self.label_chars = max(len(value_label(v)) for v in self.values.flat)
        row = bar_height + 0.16
        gap = 0.14  # between runs

        heading = Text(title, font=theme.font, font_size=font_size, color=theme.text)
        name_texts = [Text(n, font=theme.font, font_size=font_size, color=c) for n, c in zip(names, colors)]
        self.note_texts = list(notes) if notes is not None else [None] * len(name_texts)
        self.notes = [VGroup() if note is None else
                      Text(note, font=theme.font, font_size=font_size, color=theme.text).set_fill(opacity=0.0)
                      for note in self.note_texts]
        written = [n for n, text in zip(self.notes, self.note_texts) if text is not None]
        name_width = max(t.width for t in [*name_texts, *written])
        coord = [Text(c, font=theme.mono, font_size=font_size, color=theme.muted) for c in COORDINATES]
        label_width = self.label_chars * self.writer.advance
        inner = name_width + 0.2 + coord[0].width + 0.15 + bar_width + 0.2 + label_width
        pad = 0.2
        n = self.values.shape[0]
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
            if notes is None:
                text.move_to([corner[0] + pad + text.width / 2, (centers[0] + centers[1]) / 2, 0])
            else:  # the name on the x row, its note (if any) on the y row
                text.move_to([corner[0] + pad + text.width / 2, centers[0], 0])
                if self.note_texts[i] is not None:
                    self.notes[i].move_to([corner[0] + pad + self.notes[i].width / 2, centers[1], 0])
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
            firsts = self.values[:, tracker_index(1, self.last)]
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
        self._panel_width = self.panel.width  # ... and be scaled
        self.add(*[b for pair in self.bars for b in pair], self.first, *[t for pair in self.labels for t in pair],
                 *self.notes)
        self._shown = None
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def show_note(self, run: int):
        """The animation that writes run ``run``'s note (its text stays hidden until then)."""
        return self.notes[run].animate.set_fill(opacity=1.0)

    def bar_extent(self, run: int, coordinate: int) -> float:
        """Drawn length of a bar (scene units, after any scaling), measured from its points."""
        xs = self.bars[run][coordinate].points[:, 0]
        return float(xs.max() - xs.min())

    def bar_length(self, value: float) -> float:
        """Length of a bar showing ``value``, in the panel's layout as built (before scaling)."""
        return self.bar_width * log_fraction(value, self.lo, self.hi)

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        values = self.values[:, tracker_index(k, self.last)]
        corner, scale = self.panel.get_corner(UL), self.panel.width / self._panel_width

        def place(points):  # from the layout as built to where the panel is now (moved, scaled)
            return corner + (np.asarray(points, dtype=float) - self._corner) * scale

        h, x0 = self.bar_height / 2, self.bar_left
        for i, pair in enumerate(self.bars):
            for c, bar in enumerate(pair):
                y = self.row_centers[i][c]
                x1 = x0 + max(self.bar_length(values[i, c]), 1e-3)
                bar.set_points_as_corners(place([[x0, y - h, 0], [x1, y - h, 0], [x1, y + h, 0],
                                                 [x0, y + h, 0], [x0, y - h, 0]]))
                baseline = np.array([self.label_left, y - self.writer.height / 2, 0])
                text = value_label(values[i, c]).rjust(self.label_chars)
                self.labels[i][c].set_points(place(self.writer.points(text) + baseline))
        self._shown = k


class StepHistory(VGroup):
    """Each run's ``values[run, k]`` against step number k (from 1), on a log axis, growing
    with the step tracker; ``thin`` (same shape) adds a second, thinner line per run."""

    MAX_DECADES = 8  # a run whose steps fall to ~0 would otherwise squash every other line

    def __init__(self, values, step: ValueTracker, colors, *, thin=None, width: float = 4.0,
                 height: float = 1.6, font_size: float = 18, theme: Theme = THEME):
        super().__init__()
        self.step = step
        self.values = np.asarray(values, dtype=float)
        self.thin = None if thin is None else np.asarray(thin, dtype=float)
        self.last = max(self.values.shape[1] - 1, 1)
        both = self.values if self.thin is None else np.concatenate([self.values, self.thin])
        self.lo, self.hi = decade_span(both[:, 1:], self.MAX_DECADES)
        span = self.hi - self.lo  # drawn as log10(value) - lo, so the step axis is the bottom edge
        self.axes = Axes(x_range=[0, self.last, max(self.last // 4, 1)], y_range=[0, span, 1],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.axis_color, "stroke_width": 1.5, "include_ticks": False})
        every = max(1, int(np.ceil(span * 0.3 / height)))  # labelled decades at least 0.3 apart
        self.decades = VGroup(*[MathTex(decade_tex(p), font_size=font_size * 1.3, color=theme.muted)
                                .next_to(self.axes.c2p(0, p - self.lo), LEFT, buff=0.1)
                                for p in range(self.hi, self.lo - 1, -every)])
        # the first, middle and last step under the axis, as on a loss curve: "at step 57" reads off it
        style = {"font": theme.font, "font_size": font_size, "color": theme.muted}
        self.step_numbers, marks = step_ticks(self.axes, self.last, style, theme)
        xlabel = Text("step", **style).next_to(self.step_numbers, DOWN, buff=0.05)
        self.lines = VGroup(*[VMobject(stroke_color=c, stroke_width=3) for c in colors])
        self.thin_lines = VGroup(*([] if self.thin is None else
                                   [VMobject(stroke_color=c, stroke_width=1.5, stroke_opacity=0.8) for c in colors]))
        self.cursor = DashedLine(self.axes.c2p(0, 0), self.axes.c2p(0, span), stroke_width=1.5,
                                 color=theme.muted)
        self.add(self.axes, self.decades, self.step_numbers, marks, xlabel, self.thin_lines, self.lines, self.cursor)
        self._update()
        self.add_updater(lambda m: m._update())

    def points_until(self, i: int, s: float, thin: bool = False) -> np.ndarray:
        """Scene points of run ``i``'s line (or thin line) from step 1 up to the integer part of ``s``."""
        k = int(min(max(s, 1), self.last))
        steps = np.arange(1, k + 1)
        values = (self.thin if thin else self.values)[i, 1:k + 1]
        with np.errstate(divide="ignore"):
            logs = np.log10(np.clip(values, 10.0**self.lo, 10.0**self.hi)) - self.lo
        return axes_points(self.axes, steps, logs)

    def point_at(self, i: int, s: float, thin: bool = False) -> np.ndarray:
        """Scene point of run ``i``'s line (or thin line) at step ``s`` (clamped to 1..last); a
        fractional step lies on the straight piece between its two whole steps."""
        s = float(min(max(s, 1), self.last))
        k = int(s)
        values = (self.thin if thin else self.values)[i, k:k + 2]
        with np.errstate(divide="ignore"):
            logs = np.log10(np.clip(values, 10.0**self.lo, 10.0**self.hi)) - self.lo
        start = np.asarray(self.axes.c2p(k, logs[0]))
        if s == k or len(logs) < 2:
            return start
        return start + (s - k) * (np.asarray(self.axes.c2p(k + 1, logs[1])) - start)

    def window(self, first: float, last: float, color: str, opacity: float = 0.18) -> Rectangle:
        """A translucent band over steps ``first``..``last``, the axes' full height."""
        left, right = self.axes.c2p(first, 0), self.axes.c2p(last, self.hi - self.lo)
        band = Rectangle(width=max(right[0] - left[0], 1e-3), height=right[1] - left[1], fill_color=color,
                         fill_opacity=opacity, stroke_width=0)
        return band.move_to((np.asarray(left) + np.asarray(right)) / 2)

    def _update(self) -> None:
        s = self.step.get_value()
        for lines, thin in ((self.lines, False), (self.thin_lines, True)):
            for i, line in enumerate(lines):
                pts = self.points_until(i, s, thin)
                line.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
        x = min(max(s, 0), self.last)
        self.cursor.put_start_and_end_on(self.axes.c2p(x, 0), self.axes.c2p(x, self.hi - self.lo))


class HistoryMarker(Dot):
    """A dot riding run ``run``'s line of a StepHistory (``thin``: its second line) at step
    ``self.at``, a tracker of its own: animate ``marker.at`` to sweep it along the history
    while the step tracker (the runs, the bars) stays where it is."""

    def __init__(self, history: StepHistory, run: int, *, thin: bool = False, at: float = 1,
                 color: str | None = None, radius: float = 0.07, theme: Theme = THEME):
        super().__init__(radius=radius, fill_color=color or theme.text, fill_opacity=1.0,
                         stroke_color=theme.text, stroke_width=2.0)
        self.history, self.run, self.thin = history, run, thin
        self.at = ValueTracker(at)
        self.add_updater(lambda m: m.move_to(m.history.point_at(m.run, m.at.get_value(), m.thin)))
        self.update()
