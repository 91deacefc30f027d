"""Render one scene with manim, in this process, and move the finished file into place.

Output is written under a private temporary media directory and only moved to its final
name once complete (same filesystem, os.replace), so an interrupted render never leaves a
truncated file where a finished one belongs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from gdanim.subtitles import write_subtitles

QUALITIES = {
    "tiny": {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5},  # tests
    "low": {"quality": "low_quality"},
    "medium": {"quality": "medium_quality"},
    "high": {"quality": "high_quality"},
    "4k": {"quality": "fourk_quality"},
}


def render_scene(scene_cls: type, params, *, quality: str = "medium", out_dir: Path = Path("media"),
                 dry_run: bool = False) -> Path | None:
    """Render ``scene_cls(params)`` to ``out_dir/<quality>/<Scene>.mp4``; return that path."""
    from manim import tempconfig

    out_dir = Path(out_dir)
    final = out_dir / quality / f"{scene_cls.__name__}.mp4"
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{scene_cls.__name__}-", dir=final.parent))
    try:
        settings = {
            **QUALITIES[quality], "media_dir": str(work), "verbosity": "WARNING",
            "progress_bar": "none", "disable_caching": True, "dry_run": dry_run,
            "output_file": scene_cls.__name__, "format": "mp4",
        }
        with tempconfig(settings):
            scene = scene_cls(params=params)
            scene.render()
            if dry_run:
                return None
            produced = Path(scene.renderer.file_writer.movie_file_path)
        for subtitle in write_subtitles(getattr(scene, "cues", []), produced):
            os.replace(subtitle, final.with_suffix(subtitle.suffix))
        os.replace(produced, final)
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)
