"""Monospace text from glyphs drawn once: panels rewrite numbers every step without building a
Text (Pango plus an SVG parse, ~50 ms each) per step."""

from __future__ import annotations

import numpy as np
from manim import Text


class GlyphWriter:
    """Outlines of monospace text assembled from glyphs drawn once: ``points(text)`` returns
    the points of ``text`` with its first cell's left edge on the baseline at the origin."""

    CHUNK = 16  # Pango's canvas clips one long line (the last glyphs vanish), so draw in chunks

    def __init__(self, chars: str, *, font: str, font_size: float):
        chars = "".join(sorted(set(chars) - set(" \n")))
        self.advance = (Text("0" * 10, font=font, font_size=font_size).width
                        - Text("0", font=font, font_size=font_size).width) / 9
        self.glyphs = {}
        for at in range(0, len(chars), self.CHUNK):
            chunk = "0" + chars[at:at + self.CHUNK]
            text = Text(chunk, font=font, font_size=font_size, disable_ligatures=True)
            zero = text.submobjects[0]
            self.height = zero.height  # digit height, a cap height for layout
            origin = np.array([zero.get_center()[0] - self.advance / 2, zero.get_bottom()[1], 0.0])
            self.glyphs.update({c: g.points - origin - [i * self.advance, 0, 0]
                                for i, (c, g) in enumerate(zip(chunk, text.submobjects))})

    def points(self, text: str) -> np.ndarray:
        parts = [self.glyphs[c] + [i * self.advance, 0, 0] for i, c in enumerate(text) if c != " "]
        return np.vstack(parts) if parts else np.zeros((0, 3))
