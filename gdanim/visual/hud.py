"""HUD: a panel fixed in the frame with a run's step, position, loss, gradient, α and status, its
numbers written as the captions write them (gdanim.wording)."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UL, Rectangle, Text, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory
from gdanim.wording import GRAD_NORM, STATUS_LABELS, point, rate_value, sci
from gdanim.visual.glyphs import GlyphWriter
from gdanim.theme import THEME, Theme

POSITION_DIGITS = 3  # where the ball is: one more figure than the losses the captions quote


def fmt(value: float) -> str:
    """A loss or gradient norm as the captions quote it (wording.sci, 2 figures)."""
    return sci(float(value))


def hud_rows(traj: Trajectory, run: int, k: int) -> list[tuple[str, str]]:
    """The (label, value) rows shown at step ``k``: plain data, tested without rendering."""
    k = int(min(max(k, 0), traj.steps))
    x, y = traj.positions[run, k]
    gx, gy = traj.gradients[run, k]
    # the lr about to be applied; once stopped, the last one applied (lrs are 0 after a stop)
    lr = traj.lrs[run, max(min(k, int(traj.stop_step[run]) - 1, traj.steps - 1), 0)]
    return [
        ("step", f"{k}"),
        ("position", point((x, y), POSITION_DIGITS)),
        ("loss", fmt(traj.losses[run, k])),
        (GRAD_NORM, fmt(float(np.hypot(gx, gy)))),
        ("α", rate_value(lr)),
        ("status", status_at(traj, run, k)),
    ]


def hud_lines(traj: Trajectory, run: int, k: int) -> list[str]:
    """The rows as the panel writes them: labels in one column, values after them."""
    rows = hud_rows(traj, run, k)
    width = max(len(label) for label, _ in rows) + 1
    return [f"{label.ljust(width)}{value}" for label, value in rows]


def status_at(traj: Trajectory, run: int, k: int) -> str:
    return STATUS_LABELS[str(traj.stop_reason[run])] if k >= traj.stop_step[run] else "running"


class HUD(VGroup):
    """A panel, an optional title and one VMobject per row whose outline is rewritten from
    cached monospace glyphs when the integer step changes: no Text is built while it plays,
    and the family never changes (Cairo keeps the family it saw when a play started)."""

    def __init__(self, traj: Trajectory, run: int, step: ValueTracker, *, title: str | None = None,
                 corner=UL, theme: Theme = THEME):
        super().__init__()
        self.traj, self.run, self.step, self.theme, self.title = traj, run, step, theme, title
        # every line the run ever shows: the panel is sized for the longest, so it keeps one size
        # while the numbers change (19, then 9.4×10⁻¹⁰), and the glyphs cover every character
        lines = [line for k in range(traj.steps + 1) for line in hud_lines(traj, run, k)]
        longest = max(lines, key=len)
        chars = set("".join(lines))
        self.writer = GlyphWriter("".join(chars), font=theme.mono, font_size=theme.hud_size)
        self.pitch = 1.45 * self.writer.height + 0.08  # baseline to baseline
        heading = Text(title, font=theme.font, font_size=theme.hud_size, color=theme.muted) if title else None
        rows = len(hud_rows(traj, run, 0))
        pad = 0.15
        title_height = heading.height + 0.12 if heading else 0.0
        width = len(longest) * self.writer.advance + 2 * pad
        if heading:
            width = max(width, heading.width + 2 * pad)
        height = title_height + (rows - 1) * self.pitch + 1.4 * self.writer.height + 2 * pad
        panel = Rectangle(width=width, height=height, fill_color=theme.panel, fill_opacity=theme.panel_opacity,
                          stroke_width=0).to_corner(corner, buff=0.3)
        top_left = panel.get_corner(UL) + pad * (RIGHT + DOWN)
        self.slots = [panel]
        if heading:
            self.slots.append(heading.next_to(top_left, DOWN + RIGHT, buff=0))
        self.baselines = [top_left + (title_height + self.writer.height + i * self.pitch) * DOWN for i in range(rows)]
        self.rows = [VMobject(fill_color=theme.text, fill_opacity=1.0, stroke_width=0) for _ in range(rows)]
        self.slots += self.rows
        self.add(*self.slots)
        self._shown = None
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        for row, baseline, line in zip(self.rows, self.baselines, hud_lines(self.traj, self.run, k)):
            row.set_points(self.writer.points(line) + baseline)
        t = self.theme
        self.rows[-1].set_fill(t.status_colors.get(status_at(self.traj, self.run, k), t.text), opacity=1.0)
        self._shown = k
