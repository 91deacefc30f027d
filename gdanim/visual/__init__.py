"""The manim layer: reusable pieces that scenes compose. Imports manim; the engine never does."""

from gdanim.visual.hud import HUD
from gdanim.visual.lesson import LessonScene
from gdanim.visual.surface import LossSurface
from gdanim.visual.theme import THEME, Theme, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

__all__ = ["HUD", "LessonScene", "LossSurface", "THEME", "Theme", "TrajectoryTracer", "optimizer_color"]
