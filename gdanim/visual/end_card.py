"""The parameter end card: a clip's last seconds say what made it and how to make it again.

Generic over a scene's Params fields (every field is listed, long values shortened); the
regeneration command sets the values that differ from the Params defaults, which the card's
gdanim version pins. Knows nothing of any particular scene.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FullScreenRectangle, Line, Text, VGroup, config

from gdanim.config import shown_value, wrap_command
from gdanim.theme import THEME, Theme

HOLD_SECONDS = 4.0  # how long the card stays up (after its fade-in)
VALUE_CHARS = 34  # longer values are shortened on the card (the command has them in full)


def shorten(text: str, width: int = VALUE_CHARS) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def card_rows(params: dict) -> list[tuple[str, str]]:
    """(name, shown value) per parameter, in the Params field order."""
    return [(name, shorten(shown_value(value))) for name, value in params.items()]


class EndCard(VGroup):
    """Opaque full-frame card: scene, parameters, versions, and the command that remakes it."""

    def __init__(self, scene: str, params: dict, version: str, command: str,
                 hold: float = HOLD_SECONDS, theme: Theme = THEME):
        super().__init__()
        self.hold = hold
        self.rows = card_rows(params)
        self.command = command
        self.command_lines = wrap_command(command)
        size = theme.hud_size
        label = Text("To regenerate this clip", font=theme.font, font_size=theme.caption_size * 0.8,
                     color=theme.muted)
        name = Text(scene, font=theme.font, font_size=theme.title_size, color=theme.text, weight="BOLD")
        head = VGroup(label, name).arrange(DOWN, buff=0.15)
        grid = self._grid(self.rows, size, theme)
        footer = Text(f"gdanim {version}", font=theme.mono, font_size=size, color=theme.muted)
        command_text = VGroup(*(Text(line, font=theme.mono, font_size=size, color=theme.text)
                                for line in self.command_lines)).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        margin = 0.5
        if command_text.width > config.frame_width - 2 * margin:  # an unbreakable long value: smaller
            command_text.scale_to_fit_width(config.frame_width - 2 * margin)
        rule = Line(LEFT, RIGHT, stroke_color=theme.axis_color, stroke_width=1)
        content = VGroup(head, grid, footer, rule, command_text).arrange(DOWN, buff=0.3)
        rule.stretch_to_fit_width(max(grid.width, command_text.width))
        content.scale(min(1.0, (config.frame_width - 2 * margin) / content.width,
                          (config.frame_height - 2 * margin) / content.height))
        background = FullScreenRectangle(fill_color=theme.background, fill_opacity=1.0, stroke_width=0)
        self.add(background, content.move_to(background))

    @staticmethod
    def _grid(rows, size, theme) -> VGroup:
        """``name  value`` lines in the mono font (names padded, so values line up), one text per
        column (so lines keep an even spacing), two columns when there are more than eight."""
        if not rows:
            return VGroup()
        columns = 2 if len(rows) > 8 else 1
        per_column = -(-len(rows) // columns)
        stacks = []
        for first in range(0, len(rows), per_column):
            chunk = rows[first:first + per_column]
            pad = max(len(name) for name, _ in chunk) + 2
            lines = [f"{name:<{pad}}{value}" for name, value in chunk]
            starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
            muted = {f"[{at}:{at + len(name)}]": theme.muted for at, (name, _) in zip(starts, chunk)}
            stacks.append(Text("\n".join(lines), font=theme.mono, font_size=size, color=theme.text,
                               line_spacing=1.0, t2c=muted))
        return VGroup(*stacks).arrange(RIGHT, buff=0.8, aligned_edge=UP)
