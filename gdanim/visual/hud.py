"""HUD: a panel fixed in the frame with a run's step, position, loss, gradient, α and status, its
numbers written as the captions write them (gdanim.wording)."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UL, BackgroundRectangle, Text, ValueTracker, VGroup

from gdanim.engine import Trajectory
from gdanim.wording import GRAD_NORM, point, rate_value, sci
from gdanim.visual.live import LiveShape
from gdanim.visual.theme import THEME, Theme

STATUS_LABELS = {"converged_grad": "converged", "converged_loss": "converged",
                 "diverged": "diverged", "max_steps": "max steps"}


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


def longest_line(traj: Trajectory, run: int) -> str:
    """The longest row the run ever shows: the panel is sized for it, so it keeps one size
    while the numbers change (19, then 9.4×10⁻¹⁰)."""
    return max((line for k in range(traj.steps + 1) for line in hud_lines(traj, run, k)), key=len)


def status_at(traj: Trajectory, run: int, k: int) -> str:
    return STATUS_LABELS[str(traj.stop_reason[run])] if k >= traj.stop_step[run] else "running"


class HUD(VGroup):
    """A fixed set of LiveShape slots (panel, title, rows) refreshed when the integer step
    changes; each step's text is built once and cached (Text is costly)."""

    def __init__(self, traj: Trajectory, run: int, step: ValueTracker, *, title: str | None = None,
                 corner=UL, theme: Theme = THEME):
        super().__init__()
        self.traj, self.run, self.step, self.theme, self.title = traj, run, step, theme, title
        self.corner = corner
        self._shown = None
        self.text_width = Text(longest_line(traj, run), font=theme.mono, font_size=theme.hud_size).width
        self._cache: dict[int, list] = {0: self._build(0)}
        self.slots = [LiveShape().show(part) for part in self._cache[0]]
        self.add(*self.slots)
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if k == self._shown:
            return
        if k not in self._cache:
            self._cache[k] = self._build(k)
        for slot, part in zip(self.slots, self._cache[k]):
            slot.show(part)
        self._shown = k

    def _build(self, k: int) -> list:
        """Panel, then one mobject per text line, placed in the frame corner."""
        t = self.theme
        lines = [Text(line, font=t.mono, font_size=t.hud_size, color=t.text)
                 for line in hud_lines(self.traj, self.run, k)]
        lines[-1].set_color(t.status_colors.get(status_at(self.traj, self.run, k), t.text))
        if self.title:
            lines.insert(0, Text(self.title, font=t.font, font_size=t.hud_size, color=t.muted))
        body = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        panel = BackgroundRectangle(body, color=t.panel, fill_opacity=t.panel_opacity, buff=0.15)
        panel.stretch_to_fit_width(max(body.width, self.text_width) + 0.3).align_to(body, LEFT).shift(0.15 * LEFT)
        VGroup(panel, body).to_corner(self.corner, buff=0.3)
        return [panel, *lines]
