"""EquationCard: update rules on screen, each symbol coloured like the arrow that shows it."""

from __future__ import annotations

from manim import DOWN, LEFT, BackgroundRectangle, MathTex, Text, VGroup

from gdanim.optimizers import OPTIMIZERS
from gdanim.theme import THEME, Theme

# The update rules as the lessons write them: each optimizer's spec holds its own.
UPDATE_RULES = {name: list(spec.rule) for name, spec in OPTIMIZERS.items()}

# Symbol -> theme role, so arrows and equations share colours. Multi-letter symbols are
# isolated wherever they appear; single letters only where a rule marks them {{ }}.
SYMBOL_ROLES = {r"\nabla L(\theta)": "gradient", r"\alpha": "lr", "g": "gradient", "v": "velocity"}


class EquationCard(VGroup):
    """A titled panel of MathTex lines with symbols coloured by role (gradient, velocity...)."""

    def __init__(self, lines: list[str], *, title: str = "", font_size: float = 30,
                 colors: dict[str, str] | None = None, theme: Theme = THEME):
        super().__init__()
        tex_colors = colors if colors is not None else {
            sym: theme.role_colors[role] for sym, role in SYMBOL_ROLES.items()}
        isolate = [sym for sym in tex_colors if len(sym) > 1]
        rows = []
        for line in lines:
            row = MathTex(line, font_size=font_size, color=theme.text, substrings_to_isolate=isolate)
            for sym, color in tex_colors.items():
                row.set_color_by_tex(sym, color, substring=False)
            rows.append(row)
        body = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        if title:
            head = Text(title, font=theme.font, font_size=theme.hud_size, color=theme.muted)
            body = VGroup(head, body).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        panel = BackgroundRectangle(body, color=theme.panel, fill_opacity=theme.panel_opacity, buff=0.2)
        self.add(panel, body)

    @classmethod
    def for_optimizer(cls, name: str, **kwargs) -> "EquationCard":
        return cls(UPDATE_RULES[name], title=kwargs.pop("title", name), **kwargs)
