"""The one theme: background, fonts, sizes, and a fixed colour per optimizer.

Optimizer colours come from their specs (gdanim.optimizers, Okabe-Ito) so Adam is the same
orange in every scene. The surface uses a muted blue ramp so the trails stand out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gdanim.optimizers import OKABE_ITO, OPTIMIZERS


@dataclass(frozen=True)
class Theme:
    background: str = "#11141a"
    text: str = "#ECEFF4"
    muted: str = "#8C96A3"
    panel: str = "#1B2029"
    panel_opacity: float = 0.85
    font: str = "DejaVu Sans"
    mono: str = "DejaVu Sans Mono"
    title_size: float = 40
    caption_size: float = 26
    hud_size: float = 18
    surface_colors: tuple[str, ...] = ("#17324a", "#2f6a86", "#7fb0c4", "#d4e6ec")
    surface_opacity: float = 0.92
    axis_color: str = "#5B6573"
    status_colors: dict = field(default_factory=lambda: {
        "running": "#ECEFF4", "converged": OKABE_ITO["bluish_green"],
        "diverged": OKABE_ITO["vermillion"], "max steps": OKABE_ITO["yellow"],
    })
    # what a symbol or arrow stands for -> colour, shared by arrows and equations
    role_colors: dict = field(default_factory=lambda: {
        "gradient": OKABE_ITO["vermillion"], "velocity": OKABE_ITO["sky_blue"], "lr": OKABE_ITO["yellow"],
        "lookahead": OKABE_ITO["reddish_purple"],
    })
    # each optimizer's colour lives on its spec (gdanim.optimizers); the theme reads it there
    optimizer_colors: dict = field(default_factory=lambda: {name: spec.color for name, spec in OPTIMIZERS.items()})
    # several runs of ONE optimizer that differ in a setting (lr, start), in order; avoids the
    # status colours (converged green, diverged vermillion, max-steps yellow)
    run_colors: tuple[str, ...] = (OKABE_ITO["sky_blue"], OKABE_ITO["orange"], OKABE_ITO["reddish_purple"],
                                   OKABE_ITO["grey"], OKABE_ITO["blue"])


THEME = Theme()


def optimizer_color(name: str, theme: Theme = THEME) -> str:
    """The optimizer's fixed colour (unknown names get the neutral grey)."""
    return theme.optimizer_colors.get(name, OKABE_ITO["grey"])
