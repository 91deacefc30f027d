"""Captions burned into GIFs (``gdanim render --format gif --captions soft --burn-captions``).

Lesson scenes draw their captions in the picture, but the GIF scales them down with the whole
frame (480 px wide: about 9 px capitals; narrower GIFs, or ones the 5 MB budget shrinks, make
them hard to read). Burning draws each caption beat at the GIF's own resolution (1/15 of the
picture's height, 12-20 px) in a band added below the picture, in the theme's background colour,
so the captions never cover the lesson (axes, update rules): the picture above the band is
exactly the plain GIF's. The band is as tall as the longest caption needs (at least two lines),
the same all through the GIF, and empty outside caption beats. Title and takeaway cues are left
out: their text is already on full-size cards.

Each caption is seen once: the band is burned only under a clean picture, ``--captions soft
--burn-captions`` (gdanim.render.burns_band). With ``--captions screen`` the picture draws its
own captions and gets no band (a band would repeat every caption); ``--captions none`` has none.

ffmpeg filters only (pad + libass ``ass``, both in the bundled ffmpeg); no manim.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from gdanim.subtitles import CardCue, Cue

FONT_FRACTION = 1 / 15  # caption text size as a share of the picture height: 18 px at 480x270
FONT_PX = (12, 20)  # kept within these pixel sizes (legible when small, not shouting when large)
CHAR_EM = 0.5  # DejaVu Sans averages ~0.48 em per character in captions; 0.5 leaves room
LINE_EM = 1.2  # line height
MIN_LINES = 2  # the band holds at least two lines, so short captions do not make it a sliver
PAD_PX = 6
TAIL = 0.4  # the scene's caption fades out this long after its cue ends; the band's stays as long


def caption_cues(cues: list[Cue]) -> list[Cue]:
    """The cues drawn as captions (not those whose text is on a card), each kept on screen
    through its caption's fade-out unless the next cue starts first."""
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


def band_height(lines: int, px: int) -> int:
    """Pixel height (even) of a band holding ``lines`` lines of ``px`` text (at least MIN_LINES)."""
    return 2 * math.ceil((max(lines, MIN_LINES) * LINE_EM * px + 2 * PAD_PX) / 2)


def caption_band(cues: list[Cue], width: int, height: int) -> int:
    """Height of the band added below a ``width`` x ``height`` picture for ``cues`` (0 if none is
    a caption): fits the longest caption."""
    cues = caption_cues(cues)
    if not cues:
        return 0
    px = font_px(height)
    return band_height(max(len(wrap(c.text, width, px)) for c in cues), px)


def _ass_time(seconds: float) -> str:
    cs = int(round(max(seconds, 0.0) * 100))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_colour(hex_rgb: str) -> str:
    rgb = hex_rgb.lstrip("#")
    return f"&H00{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"  # ASS colours are alpha, blue, green, red


def burn_filters(cues: list[Cue], width: int, height: int, script: Path) -> str | None:
    """The filter chain taking a ``width`` x ``height`` stream to one ``caption_band`` px taller,
    the band below the picture holding ``cues`` (None if no cue is a caption). Writes the ASS
    script ``script`` (pixel coordinates, one event per cue, centred in the band), which the
    chain names relatively: run ffmpeg in its folder."""
    band = caption_band(cues, width, height)
    if not band:
        return None
    from gdanim.theme import THEME

    px = font_px(height)
    events = []
    for cue in caption_cues(cues):
        lines = wrap(cue.text, width, px)
        margin = round((band - len(lines) * LINE_EM * px) / 2)  # from the bottom: centred in the band
        events.append(f"Dialogue: 0,{_ass_time(cue.start)},{_ass_time(cue.end)},Caption,,0,0,{margin},,"
                      + "\\N".join(lines))
    colour = _ass_colour(THEME.text)
    script.write_text("\n".join([
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height + band}",
        "WrapStyle: 2", "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
        "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Caption,{THEME.font},{px},{colour},{colour},&H00000000,&H00000000,"
        f"0,0,0,0,100,100,0,0,1,0,0,2,{PAD_PX},{PAD_PX},{PAD_PX},1", "",
        "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        *events, ""]))
    return f"pad=iw:ih+{band}:0:0:color=0x{THEME.background.lstrip('#')},ass={script.name}"
