"""Narration pieces: title card, caption beats (at most two lines) and the takeaway card."""

from __future__ import annotations

import textwrap

from manim import DOWN, ORIGIN, BackgroundRectangle, RoundedRectangle, Text, VGroup

from gdanim.visual.live import LiveShape
from gdanim.theme import THEME, Theme
from gdanim.wording import wrap_caption

class Caption(VGroup):
    """Bottom-of-frame caption on a translucent panel."""

    def __init__(self, text: str, theme: Theme = THEME):
        super().__init__()
        self.text = " ".join(text.split())
        body = Text(wrap_caption(text), font=theme.font, font_size=theme.caption_size,
                    color=theme.text, line_spacing=0.8)
        panel = BackgroundRectangle(body, color=theme.panel, fill_opacity=theme.panel_opacity, buff=0.12)
        # One outline for all glyphs: a fade deep-copies the caption, and ~100 glyph mobjects
        # (with a colour object each) made that copy cost more than drawing the frames.
        self.add(panel, LiveShape().show(body))
        self.to_edge(DOWN, buff=0.25)


class TitleCard(VGroup):
    """The opening card: lesson title and a one-line subtitle."""

    def __init__(self, title: str, subtitle: str = "", theme: Theme = THEME):
        super().__init__()
        head = Text(title, font=theme.font, font_size=theme.title_size * 1.25, color=theme.text, weight="BOLD")
        parts = [head]
        if subtitle:
            parts.append(Text(subtitle, font=theme.font, font_size=theme.caption_size, color=theme.muted))
        self.add(*VGroup(*parts).arrange(DOWN, buff=0.35).move_to(ORIGIN))


class TakeawayCard(VGroup):
    """The closing card: the one idea to remember, boxed in the frame's centre."""

    def __init__(self, text: str, theme: Theme = THEME):
        super().__init__()
        label = Text("Takeaway", font=theme.font, font_size=theme.caption_size, color=theme.muted)
        body = Text(textwrap.fill(" ".join(text.split()), 44), font=theme.font,
                    font_size=theme.caption_size * 1.25, color=theme.text, line_spacing=0.9)
        content = VGroup(label, body).arrange(DOWN, buff=0.3)
        box = RoundedRectangle(corner_radius=0.2, width=content.width + 0.8, height=content.height + 0.6,
                               fill_color=theme.panel, fill_opacity=0.95, stroke_color=theme.muted,
                               stroke_width=1.5)
        self.add(box, content.move_to(box))
