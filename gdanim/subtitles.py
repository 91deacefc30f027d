"""Caption cues -> .srt and .vtt text (no manim), written beside each rendered video."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Cue(NamedTuple):
    start: float  # seconds
    end: float
    text: str


class CardCue(Cue):
    """A cue whose text is also shown full-size on a card (title, takeaway), not as a caption:
    the burned-in band and the poster skip it. A .vtt keeps no such mark (gdanim.clips asks the
    lesson plan which texts are cards)."""

    __slots__ = ()


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(max(seconds, 0.0) * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n"
              for i, c in enumerate(cues, start=1)]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def write_subtitles(cues: list[Cue], video: Path) -> list[Path]:
    """Write ``video``'s .srt and .vtt siblings; returns their paths (none if no cues)."""
    if not cues:
        return []
    srt, vtt = video.with_suffix(".srt"), video.with_suffix(".vtt")
    srt.write_text(to_srt(cues))
    vtt.write_text(to_vtt(cues))
    return [srt, vtt]
