"""The manim layer: reusable pieces that scenes compose. Imports manim; the engine never does."""

from gdanim.visual.arrows import StepArrow, step_vector
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import UPDATE_RULES, EquationCard
from gdanim.visual.hud import HUD, hud_rows
from gdanim.visual.lesson import LessonScene
from gdanim.visual.live import LiveShape
from gdanim.visual.loss_curve import LossCurve
from gdanim.visual.narration import Caption, TakeawayCard, TitleCard, wrap_caption
from gdanim.visual.surface import LossSurface
from gdanim.theme import THEME, Theme, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

__all__ = ["HUD", "UPDATE_RULES", "Caption", "ContourMap", "EquationCard", "LessonScene",
           "LiveShape", "LossCurve", "LossSurface", "StepArrow", "THEME", "TakeawayCard", "Theme",
           "TitleCard", "TrajectoryTracer", "hud_rows", "optimizer_color", "step_vector", "wrap_caption"]
