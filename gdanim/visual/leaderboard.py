"""Leaderboard: a live ranking of racing optimizer runs, fixed row slots re-ordered in place.

Ranking is plain data (``rank``, ``standings`` in gdanim.lessons.optimizer_race, numpy only, so
the race's plan states the same standings the board draws): finished runs (loss within the
tolerance of the minimum) first by steps-to-tolerance, then running ones by their loss now,
then diverged runs (DNF). The panel draws it with one VMobject per run whose points are
rewritten each step (Cairo keeps the family it saw when a play started), composed from cached
monospace glyphs so no Text is built while it plays.
"""

from __future__ import annotations

import string

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, Rectangle, Text, ValueTracker, VGroup, VMobject

from gdanim.engine import Trajectory
from gdanim.lessons.optimizer_race import NOT_YET, diverge_steps, finish_steps, loss_text, standings
from gdanim.visual.glyphs import GlyphWriter
from gdanim.theme import THEME, Theme
from gdanim.wording import NUMBER_CHARS

GLYPHS = NUMBER_CHARS + string.ascii_letters + ":;-+=/[]%*<>"  # labels add their own (α, ...)


def status_text(loss: float, finished_at: int, diverged_at: int) -> str:
    """What a row says after the name: 'done in 412 steps', 'DNF', or the loss now, as the
    race's captions state it (its loss_text)."""
    if finished_at != NOT_YET:
        return f"done in {finished_at} step{'' if finished_at == 1 else 's'}"
    if diverged_at != NOT_YET:
        return "DNF"
    return loss_text(float(loss))


class Leaderboard(VGroup):
    """Panel ranking ``runs`` of ``traj`` at the step tracker's integer step.

    Rank numbers sit in fixed slots; each run's row (``labels[i]`` in ``colors[i]``, then its
    status) moves to the slot of its current rank. A run finishes once its loss is at or below
    ``target`` (None: no finish line, ranked by loss); ``note`` is the line under the heading.
    """

    def __init__(self, traj: Trajectory, runs, step: ValueTracker, labels, colors, *, target: float | None,
                 note: str, title: str = "Leaderboard", font_size: float = 20, theme: Theme = THEME):
        super().__init__()
        self.runs, self.step = list(runs), step
        self.losses = traj.losses[self.runs]
        self.last = traj.steps
        self.target = target
        self.finish = finish_steps(self.losses, self.target)
        self.diverge = diverge_steps(traj, self.runs)
        width = max(len(label) for label in labels)
        self.labels = [label.ljust(width) for label in labels]
        self.writer = GlyphWriter(GLYPHS + "".join(labels), font=theme.mono, font_size=font_size)
        self.row_height = 1.5 * self.writer.height + 0.1
        n = len(self.runs)
        self.prefix = len(f"{n}. ")
        columns = self.prefix + width + 2 + len("done in 10000 steps")

        heading = Text(title, font=theme.font, font_size=font_size * 1.1, color=theme.text, weight="BOLD")
        note = Text(note, font=theme.font, font_size=font_size * 0.9, color=theme.muted)
        self.counter = VMobject(fill_color=theme.muted, fill_opacity=1.0, stroke_width=0)
        inner_width = max(columns * self.writer.advance, heading.width + 8 * self.writer.advance, note.width)
        pad = 0.2
        self.top_offset = pad + heading.height + 0.18 + note.height + 0.15 + self.writer.height  # to 1st baseline
        self.panel = Rectangle(width=inner_width + 2 * pad,
                               height=self.top_offset + (n - 1) * self.row_height + 0.1 + pad,
                               fill_color=theme.panel, fill_opacity=theme.panel_opacity,
                               stroke_color=theme.axis_color, stroke_width=1.0)
        self.pad = pad
        heading.next_to(self.panel.get_corner(UL), DOWN + RIGHT, buff=0).shift(pad * (RIGHT + DOWN))
        note.next_to(heading, DOWN, aligned_edge=LEFT, buff=0.18)
        numbers = VMobject(fill_color=theme.muted, fill_opacity=1.0, stroke_width=0)
        numbers.set_points(np.vstack([self.writer.points(f"{r + 1}.".rjust(self.prefix - 1)) + self._baseline(r)
                                      for r in range(n)]))
        self.rows = [VMobject(fill_color=c, fill_opacity=1.0, stroke_width=0) for c in colors]
        self.heading, self.note = heading, note
        self.add(self.panel, heading, note, self.counter, numbers, *self.rows)
        self._shown = None
        self.refresh()
        self.add_updater(lambda m: m.refresh())

    def _baseline(self, slot: int) -> np.ndarray:
        """Left end of the baseline of row slot ``slot`` (0 = top), from the panel's corner."""
        corner = self.panel.get_corner(UL)
        return corner + self.pad * RIGHT + (self.top_offset + slot * self.row_height) * DOWN

    def row_band(self, i: int, color) -> Rectangle:
        """A clear band over the row of ``runs[i]`` where it stands now, the panel's width: fade
        its fill in and out to highlight the row."""
        slot = int(np.flatnonzero(self.order_at(self._shown) == i)[0])
        band = Rectangle(width=self.panel.width - self.pad, height=self.row_height, stroke_width=0,
                         fill_color=color, fill_opacity=0.0)
        return band.move_to([self.panel.get_center()[0], self._baseline(slot)[1] + self.writer.height / 2, 0])

    def order_at(self, k: int) -> np.ndarray:
        """Indices into ``runs``, best first, at step ``k``."""
        return standings(self.losses, self.finish, self.diverge, k)[0]

    def rows_at(self, k: int) -> list[str]:
        """The row texts top to bottom at step ``k`` (without rank numbers): plain data."""
        order, finished_at, diverged_at = standings(self.losses, self.finish, self.diverge, k)
        k = int(min(max(k, 0), self.last))
        return [f"{self.labels[i]}  {status_text(self.losses[i, k], finished_at[i], diverged_at[i])}"
                for i in order]

    def refresh(self) -> None:
        k = int(min(max(self.step.get_value() + 1e-9, 0), self.last))
        if k == self._shown:
            return
        order = self.order_at(k)
        texts = self.rows_at(k)
        for slot, (i, text) in enumerate(zip(order, texts)):
            indent = self.prefix * self.writer.advance * RIGHT
            self.rows[i].set_points(self.writer.points(text) + self._baseline(slot) + indent)
        counter = f"step {k}/{self.last}"
        start = self.panel.get_right()[0] - self.pad - len(counter) * self.writer.advance
        self.counter.set_points(self.writer.points(counter) + [start, self.heading.get_bottom()[1], 0])
        self._shown = k
