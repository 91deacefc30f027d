"""The one theme: background, fonts, sizes, and a fixed colour per optimizer.

Optimizer colours come from their specs (gdanim.optimizers, mostly Okabe-Ito) so Adam is the
same orange in every scene. Maps and surfaces use a neutral grey ramp, so no trail colour sinks
into them; tests/test_theme.py holds every pair that is drawn together to a CIEDE2000 distance.
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
    surface_colors: tuple[str, ...] = ("#1f2329", "#30353d", "#454b53", "#5a6068")  # low -> high, neutral
    surface_opacity: float = 0.92
    axis_color: str = "#5B6573"
    status_colors: dict = field(default_factory=lambda: {
        "running": "#ECEFF4", "converged": OKABE_ITO["bluish_green"],
        "diverged": OKABE_ITO["vermillion"], "max steps": OKABE_ITO["yellow"],
    })
    # what a symbol or arrow stands for -> colour, shared by arrows and equations
    # (arrows are drawn on trails, so gradient/velocity/look-ahead avoid every optimizer colour)
    role_colors: dict = field(default_factory=lambda: {
        "gradient": "#FAAA94", "velocity": "#34FEED", "lookahead": "#3CF14C", "lr": OKABE_ITO["yellow"],
        "best_fit": "#FF4FD8",  # a known answer (least squares) beside the runs: a magenta none of them takes
    })
    # each optimizer's colour lives on its spec (gdanim.optimizers); the theme reads it there
    optimizer_colors: dict = field(default_factory=lambda: {name: spec.color for name, spec in OPTIMIZERS.items()})
    # several runs of ONE optimizer that differ in a setting (lr, tolerance), cool to warm for
    # small to large: pale tints, so none is taken for an optimizer's (saturated) colour
    run_colors: tuple[str, ...] = ("#B0C2F9", "#84D3E1", "#9FD3A9", "#D8C288", "#F4B1A6")


THEME = Theme()


def optimizer_color(name: str, theme: Theme = THEME) -> str:
    """The optimizer's fixed colour (unknown names get the neutral grey)."""
    return theme.optimizer_colors.get(name, OKABE_ITO["grey"])


def ordered_run_colors(values, theme: Theme = THEME) -> list[str]:
    """One run colour per value by its rank (smallest value coolest), whatever order runs come in."""
    ranks = sorted(range(len(values)), key=lambda i: values[i])
    colors = [""] * len(values)
    for rank, i in enumerate(ranks):
        colors[i] = theme.run_colors[rank]
    return colors
