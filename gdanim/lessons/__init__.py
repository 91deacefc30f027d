"""The course's lessons as data: per scene, a Params dataclass and ``plan(params) -> Lesson``.

Numpy only (no manim, no click): ``gdanim script`` prints a lesson from here in well under a
second, and tests check every claim a plan makes against the engine. Scenes draw the plans.
"""

from __future__ import annotations

import importlib

from gdanim.lessons.plan import Beat, Lesson, takeaway_cue, title_cue

# scene class name -> module under gdanim.lessons holding its Params and plan
MODULES = {
    "GradientDescent3D": "gradient_descent_3d",
    "LearningRateEffects": "learning_rate_effects",
    "MomentumRavine": "momentum_ravine",
    "OptimizerRace": "optimizer_race",
    "AdaptiveLearningRates": "adaptive_learning_rates",
    "BatchVsStochastic": "batch_vs_stochastic",
    "LandscapeTour": "landscape_tour",
    "ConvergenceCriteria": "convergence_criteria",
}


def lesson_modules() -> dict:
    """Scene name -> its lesson module (each has ``Params`` and ``plan``), in course order."""
    return {scene: importlib.import_module(f"gdanim.lessons.{module}") for scene, module in MODULES.items()}


__all__ = ["Beat", "Lesson", "MODULES", "lesson_modules", "takeaway_cue", "title_cue"]
