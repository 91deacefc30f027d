"""A lesson as data: title, beats (caption + the facts it rests on) and takeaway.

A scene's ``plan(params) -> Lesson`` runs the engine and decides every sentence from the
trajectories; the scene only draws it. Numpy only, so every claim is tested over many
parameter sets without rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gdanim.wording import wrap_caption


@dataclass(frozen=True)
class Beat:
    """One caption and what it rests on.

    ``kind`` names what the scene draws under it ("intro", "slow_steps", ...): a scene looks
    its drawing up by kind, so a beat the plan leaves out is not drawn either. ``facts`` holds
    the runs, steps and numbers the sentence states, for tests and for the drawing.
    """

    kind: str
    caption: str
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        wrap_caption(self.caption)  # a caption longer than two lines is a plan bug: fail early


@dataclass(frozen=True)
class Lesson:
    """Everything a scene says, in order, and the runs it draws (``runs``: per lesson)."""

    title: str
    subtitle: str
    beats: tuple[Beat, ...]
    takeaway: str
    runs: Any = None

    def beats_of(self, kind: str) -> list[Beat]:
        return [b for b in self.beats if b.kind == kind]

    def cue_texts(self) -> list[str]:
        """The subtitle cues a render of this lesson writes, in order (title, beats, takeaway)."""
        return [title_cue(self.title, self.subtitle), *(b.caption for b in self.beats),
                takeaway_cue(self.takeaway)]


def title_cue(title: str, subtitle: str) -> str:
    """The title card's cue: 'Title: subtitle', or after a question 'When to stop? Three ...'."""
    if not subtitle:
        return title
    if title[-1:].isalnum():
        return f"{title}: {subtitle}"
    return f"{title} {subtitle[:1].upper()}{subtitle[1:]}"


def takeaway_cue(text: str) -> str:
    return "Takeaway: " + " ".join(text.split())
