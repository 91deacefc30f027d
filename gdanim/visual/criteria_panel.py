"""CriteriaPanel: each run's stopping rules - gradient norm, loss change, step budget - live
against the tolerances the engine stopped it with, one row of gauges per run.

What a gauge shows is plain data (``reading``, ``rules_met`` from the numpy-only
gdanim.lessons.convergence_criteria; ``GaugeScale`` here), read from the Trajectory and tested
without rendering; the rules are the engine's own comparisons. Text that changes per step is
drawn from cached glyphs (``GlyphWriter``) into fixed VMobjects, so the panel's family never
changes while a play runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, Line, MathTex, Rectangle, Text, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory
from gdanim.lessons.convergence_criteria import (RULES, Reading, Tolerances, exact, fired_rule, reading,
                                                 rules_met, status, versus)
from gdanim.visual.glyphs import GlyphWriter
from gdanim.theme import THEME, Theme
from gdanim.wording import NUMBER_CHARS, tex

RULE_NAMES = {"grad": "gradient norm", "loss": "loss change", "steps": "step budget"}
STATUS_OF_RULE = {"grad": "converged", "loss": "converged", "steps": "max steps"}  # THEME.status_colors keys


@dataclass(frozen=True)
class GaugeScale:
    """Maps a value to a fraction [0, 1] of a gauge's length, on a log or linear axis."""

    lo: float
    hi: float
    log: bool

    def fraction(self, value: float) -> float:
        if not np.isfinite(value):
            return 1.0 if value > 0 else 0.0
        if self.log:
            if value <= 0:
                return 0.0
            f = (math.log10(value) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        else:
            f = (value - self.lo) / (self.hi - self.lo)
        return float(min(max(f, 0.0), 1.0))


def log_scale(values, tolerance: float, decades_below: int = 2) -> GaugeScale:
    """A log axis from ``decades_below`` decades under the tolerance up to the power of ten
    above the largest value (at least one decade above the tolerance)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if tolerance > 0:
        lo = tolerance / 10.0**decades_below
        top = max(values.max() if len(values) else 0.0, 10 * tolerance)
    else:  # rule off: span the values themselves
        lo = 10.0 ** math.floor(math.log10(values.min())) if len(values) else 1e-3
        top = max(values.max() if len(values) else 1.0, 10 * lo)
    return GaugeScale(lo, 10.0 ** math.ceil(math.log10(top)), True)


def gauge_scales(traj: Trajectory, runs, tol: Tolerances, decades_below: int = 2) -> dict[str, GaugeScale]:
    """Per rule, one scale shared by all rows, spanning the values of runs that did not diverge
    (a diverged run's numbers would squash the rest; its bars just fill up)."""
    runs = list(runs)
    calm = [r for r in runs if traj.stop_reason[r] != "diverged"] or runs
    grads, changes = [], []
    for r in calm:
        stop = int(traj.stop_step[r])
        grads.append(np.linalg.norm(traj.gradients[r, : stop + 1], axis=-1))
        changes.append(np.abs(np.diff(traj.losses[r, : stop + 1])))
    return {"grad": log_scale(np.concatenate(grads), tol.grad, decades_below),
            "loss": log_scale(np.concatenate(changes), tol.loss, decades_below),
            "steps": GaugeScale(0.0, float(tol.steps), False)}


def value_text(rule: str, r: Reading, tolerance: float = 0.0) -> str:
    """'k = 12', '0.0025', '-' (no loss change at step 0), 'inf' (overflowed): as the lesson's
    captions write it (its ``versus``), so against a tolerance the value keeps enough figures to
    stay on its side: 0.00998, never 0.01 < 0.01."""
    if rule == "steps":
        return f"k = {r.step}"
    value = r.value(rule)
    return "-" if math.isnan(value) else versus(value, tolerance)[0]


def tolerance_tex(value: float) -> str:
    """The tolerance as the captions write it (``exact``), in TeX: 1e-05 -> 1 \\times 10^{-5},
    0.01 -> 0.01."""
    return tex(exact(value))


RULE_TEX = {"grad": r"\|\nabla L\| < {}", "loss": r"|\Delta L| < {}", "steps": r"k = {}"}


class CriteriaPanel(VGroup):
    """Rows of gauges, one row per run and one gauge per stopping rule, at the step tracker.

    A gauge's bar is the rule's value now (log scale for ||∇L|| and |ΔL|, linear for the step
    count); its tick is the tolerance. The bar has the run's colour while the rule does not
    hold and the status colour it leads to once it does (converged green, max-steps yellow).
    When a run stops, the gauge of the rule that stopped it is boxed; the status column says
    when, or that it diverged. ``tolerances`` default to the ones ``traj`` was simulated with.
    Place it by moving only: scaling would not reach the glyphs drawn at each refresh.
    """

    def __init__(self, traj: Trajectory, runs, step: ValueTracker, labels, colors, *,
                 tolerances: Tolerances | None = None, title: str = "Stopping rules",
                 gauge_width: float = 1.55, font_size: float = 18, theme: Theme = THEME):
        super().__init__()
        self.traj, self.runs, self.step, self.theme = traj, list(runs), step, theme
        self.colors = list(colors)
        self.tol = Tolerances.of(traj) if tolerances is None else tolerances
        self.scales = gauge_scales(traj, self.runs, self.tol)
        self.writer = GlyphWriter("+-=@abcdefghijklmnopqrstuvwxyz" + NUMBER_CHARS, font=theme.mono,
                                  font_size=font_size)
        adv = self.writer.advance
        pad, gap, bar_h = 0.2, 0.22, 0.16
        self.gauge_width = gauge_width

        heading = Text(title, font=theme.font, font_size=font_size * 1.25, color=theme.text, weight="BOLD")
        note = Text("log scales (steps: linear) · tick = tolerance", font=theme.font, font_size=font_size,
                    color=theme.muted)
        label_mobs = [Text(label, font=theme.font, font_size=font_size * 1.1, color=c)
                      for label, c in zip(labels, self.colors)]
        longest_status = max(len(status(traj, run, traj.steps)) for run in self.runs)
        label_w = max([m.width for m in label_mobs] + [longest_status * adv])
        headers = [VGroup(Text(RULE_NAMES[rule], font=theme.font, font_size=font_size, color=theme.muted),
                          MathTex(RULE_TEX[rule].format(self._tolerance_tex(rule)), font_size=font_size * 1.45,
                                  color=theme.text)).arrange(DOWN, buff=0.1)
                   for rule in RULES]
        col_w = max([gauge_width] + [h.width for h in headers])
        header_h = max(h.height for h in headers)
        row_h = bar_h + 0.16 + self.writer.height + 0.3
        n = len(self.runs)
        width = 2 * pad + label_w + len(RULES) * (gap + col_w)
        top_rows = pad + heading.height + 0.12 + note.height + 0.28 + header_h + 0.25
        height = top_rows + n * row_h - 0.2 + pad
        self.panel = Rectangle(width=width, height=height, fill_color=theme.panel, fill_opacity=theme.panel_opacity,
                               stroke_color=theme.axis_color, stroke_width=1.0)
        corner = self.panel.get_corner(UL)
        heading.next_to(corner, DOWN + RIGHT, buff=0).shift(pad * (RIGHT + DOWN))
        note.next_to(heading, DOWN, aligned_edge=LEFT, buff=0.12)
        self.counter = VMobject(fill_color=theme.muted, fill_opacity=1.0, stroke_width=0)
        self._layout = {"pad": pad, "heading_bottom": heading.get_bottom()[1] - corner[1]}
        col_x = [pad + label_w + gap + c * (gap + col_w) + col_w / 2 for c in range(len(RULES))]
        header_top = note.get_bottom()[1] - 0.28
        for h, x in zip(headers, col_x):
            h.move_to([corner[0] + x, header_top - h.height / 2, 0])
        self.add(self.panel, heading, note, self.counter, *headers)
        self.headers = headers  # per rule: its name over its comparison against the tolerance

        self.tracks, self.bars, self.values, self.boxes, self.statuses = [], [], [], [], []
        self.ticks = []  # per row, per rule: the tolerance tick (None for a rule turned off)
        for i, (label, color) in enumerate(zip(label_mobs, self.colors)):
            bar_y = corner[1] - top_rows - i * row_h - bar_h / 2
            label.move_to([corner[0] + pad + label.width / 2, bar_y, 0])
            status_line = VMobject(fill_color=theme.text, fill_opacity=1.0, stroke_width=0)
            self.add(label, status_line)
            self.statuses.append(status_line)
            row_tracks, row_bars, row_values, row_boxes, row_ticks = [], [], [], [], []
            for rule, x in zip(RULES, col_x):
                left = corner[0] + x - gauge_width / 2
                track = Rectangle(width=gauge_width, height=bar_h, fill_color=theme.background, fill_opacity=1.0,
                                  stroke_color=theme.axis_color, stroke_width=1.0)
                track.move_to([left + gauge_width / 2, bar_y, 0])
                bar = VMobject(fill_color=color, fill_opacity=1.0, stroke_width=0)
                value = VMobject(fill_color=theme.text, fill_opacity=1.0, stroke_width=0)
                box = Rectangle(width=gauge_width + 0.16, height=row_h - 0.08, stroke_width=2.5,
                                stroke_color=theme.status_colors[STATUS_OF_RULE[rule]], stroke_opacity=0.0)
                box.move_to([left + gauge_width / 2, bar_y - (row_h - 0.08) / 2 + bar_h / 2 + 0.08, 0])
                parts, tick = [track, bar], None
                threshold = self._threshold(rule)
                if threshold is not None:
                    tx = left + gauge_width * self.scales[rule].fraction(threshold)
                    tick = Line([tx, bar_y - 0.15, 0], [tx, bar_y + 0.15, 0], color=theme.text, stroke_width=2.5)
                    parts.append(tick)
                self.add(*parts, value, box)
                row_ticks.append(tick)
                row_tracks.append(track)
                row_bars.append(bar)
                row_values.append(value)
                row_boxes.append(box)
            self.ticks.append(row_ticks)
            for mob_list, row in ((self.tracks, row_tracks), (self.bars, row_bars), (self.values, row_values),
                                  (self.boxes, row_boxes)):
                mob_list.append(row)
        self.labels = label_mobs
        self._shown = None
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def _threshold(self, rule: str) -> float | None:
        value = {"grad": self.tol.grad, "loss": self.tol.loss, "steps": float(self.tol.steps)}[rule]
        return value if value > 0 else None

    def _tolerance_tex(self, rule: str) -> str:
        if rule == "steps":
            return str(self.tol.steps)
        value = self.tol.grad if rule == "grad" else self.tol.loss
        return tolerance_tex(value) if value > 0 else r"\text{off}"

    def bar_fraction(self, row: int, rule: str, k: int) -> float:
        """How much of the gauge the bar fills for row ``row`` at step ``k`` (plain data)."""
        return self.scales[rule].fraction(reading(self.traj, self.runs[row], k).value(rule))

    def _text_at(self, mob: VMobject, text: str, left: float, baseline: float) -> None:
        mob.set_points(self.writer.points(text) + [left, baseline, 0])

    def refresh(self) -> None:
        k = int(min(max(self.step.get_value() + 1e-9, 0), self.traj.steps))
        if k == self._shown:
            return
        t = self.theme
        for i, run in enumerate(self.runs):
            r = reading(self.traj, run, k)
            met = rules_met(r, self.tol)
            fired = fired_rule(self.traj, run, k)
            for c, rule in enumerate(RULES):
                track = self.tracks[i][c]
                left, bottom, top = track.get_left()[0], track.get_bottom()[1], track.get_top()[1]
                right = left + self.gauge_width * max(self.scales[rule].fraction(r.value(rule)), 0.004)
                self.bars[i][c].set_points_as_corners([[left, bottom, 0], [right, bottom, 0], [right, top, 0],
                                                       [left, top, 0], [left, bottom, 0]])
                self.bars[i][c].set_fill(t.status_colors[STATUS_OF_RULE[rule]] if met[rule] else self.colors[i],
                                         opacity=1.0)
                self._text_at(self.values[i][c], value_text(rule, r, self._threshold(rule) or 0.0), left,
                              bottom - 0.14 - self.writer.height)
                self.boxes[i][c].set_stroke(opacity=1.0 if fired == rule else 0.0)
            text = status(self.traj, run, k)
            color = (t.status_colors["diverged"] if text.startswith("diverged") else
                     t.status_colors[STATUS_OF_RULE[fired]] if fired else t.muted)
            label = self.labels[i]
            self._text_at(self.statuses[i], text, label.get_left()[0],
                          self.tracks[i][0].get_bottom()[1] - 0.14 - self.writer.height)
            self.statuses[i].set_fill(color, opacity=1.0)
        counter = f"step {k}"
        right = self.panel.get_right()[0] - self._layout["pad"]
        baseline = self.panel.get_top()[1] + self._layout["heading_bottom"]
        self._text_at(self.counter, counter, right - len(counter) * self.writer.advance, baseline)
        self._shown = k
