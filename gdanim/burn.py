"""Captions burned into GIF frames (``gdanim render --format gif --burn-captions``).

Lesson scenes already draw their captions, but the GIF scales them down with the whole frame
(480 px wide: about 9 px capitals, legible; narrower GIFs, or ones the 5 MB budget shrinks,
make them hard to read). Burning draws each caption beat again at the GIF's own resolution
(1/15 of its height, 12-20 px), on an opaque band in the caption panel's colour that covers
the scene's own small caption, so nothing shows twice. Title and takeaway cues are left out:
their text is already on full-size cards.

ffmpeg filters only (drawbox + libass ``ass``, both in the bundled ffmpeg); no manim.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from gdanim.subtitles import Cue

FONT_FRACTION = 1 / 15  # caption text size as a share of the GIF height: 18 px at 480x270
FONT_PX = (12, 20)  # kept within these pixel sizes (legible when small, not shouting when large)
CHAR_EM = 0.5  # DejaVu Sans averages ~0.44 em per character; 0.5 leaves room
BAND_MIN = 0.18  # of the frame height: covers the scene's own two-line caption panel
PAD_PX = 6
TAIL = 0.4  # the scene's caption fades out this long after its cue ends; keep it covered


def caption_cues(cues: list[Cue]) -> list[Cue]:
    """The cues drawn as captions (not those whose text is on a card), each kept on screen
    through its caption's fade-out unless the next cue starts first."""
    from gdanim.visual.lesson import CardCue

    chosen = [c for c in cues if not isinstance(c, CardCue)]
    starts = sorted(c.start for c in cues)
    out = []
    for cue in chosen:
        later = [s for s in starts if s >= cue.end - 1e-6]
        end = min([cue.end + TAIL, *later]) if later else cue.end + TAIL
        out.append(Cue(cue.start, max(end, cue.end), cue.text))
    return out


def font_px(height: int) -> int:
    return min(max(round(height * FONT_FRACTION), FONT_PX[0]), FONT_PX[1])


def wrap(text: str, width: int, px: int) -> list[str]:
    chars = max(int((width - 2 * PAD_PX) / (CHAR_EM * px)), 10)
    return textwrap.wrap(" ".join(text.split()), chars) or [""]


def band_height(lines: int, height: int, px: int) -> int:
    return min(height, max(math.ceil(BAND_MIN * height), math.ceil(lines * 1.2 * px + 2 * PAD_PX)))


def _ass_time(seconds: float) -> str:
    cs = int(round(max(seconds, 0.0) * 100))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_colour(hex_rgb: str) -> str:
    rgb = hex_rgb.lstrip("#")
    return f"&H00{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"  # ASS colours are alpha, blue, green, red


def burn_filters(cues: list[Cue], width: int, height: int, script: Path) -> str | None:
    """The filter chain drawing ``cues`` on a ``width`` x ``height`` stream (None if no cue is
    a caption). Writes the ASS script ``script`` (pixel coordinates, one event per cue,
    vertically centred in its band), which the chain names relatively: run ffmpeg in its folder."""
    cues = caption_cues(cues)
    if not cues:
        return None
    from gdanim.visual.theme import THEME

    px = font_px(height)
    boxes, events = [], []
    for cue in cues:
        lines = wrap(cue.text, width, px)
        band = band_height(len(lines), height, px)
        margin = round((band - len(lines) * 1.2 * px) / 2)
        boxes.append(f"drawbox=x=0:y=ih-{band}:w=iw:h={band}:color=0x{THEME.panel.lstrip('#')}@1:t=fill"
                     f":enable='between(t,{cue.start:.3f},{cue.end:.3f})'")
        events.append(f"Dialogue: 0,{_ass_time(cue.start)},{_ass_time(cue.end)},Caption,,0,0,{margin},,"
                      + "\\N".join(lines))
    colour = _ass_colour(THEME.text)
    script.write_text("\n".join([
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}",
        "WrapStyle: 2", "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
        "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Caption,{THEME.font},{px},{colour},{colour},&H00000000,&H00000000,"
        f"0,0,0,0,100,100,0,0,1,0,0,2,{PAD_PX},{PAD_PX},{PAD_PX},1", "",
        "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        *events, ""]))
    return ",".join([*boxes, f"ass={script.name}"])
