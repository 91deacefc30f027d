"""The matplotlib peer of GradientDescent3D: what a lecturer would otherwise write (issue 12, part 4).

A plain FuncAnimation at gdanim's medium size (1280x720, 30 fps): the lesson's default landscape
as a 24 x 24-face 3D surface on the theme's colour ramp, a ball and a growing trail following
the engine's trajectory (the lesson's own run), a HUD redrawn every frame and the lesson's
captions, written by FFMpegWriter with the bundled ffmpeg and gdanim's MP4 settings (H.264
yuv420p, crf 18, preset medium). 3D axes cannot blit, so every frame is redrawn whole; nothing
is cached by hand either: a fair peer, neither slowed down nor tuned.

The timeline is the lesson's: title, the intro (the camera swings round), the arrow and descent
beats (the ball moves), the result and the takeaway, each caption on screen for a share of the
video proportional to its length. Frame count: ``--frames N`` or ``--like VIDEO`` (the count of
a gdanim render, so both write the same number of frames).

Usage: python scripts/peer_matplotlib.py (--frames N | --like MEDIA/medium/GradientDescent3D.mp4) [--out PEER.mp4]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FFMpegWriter, FuncAnimation  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402

from gdanim.display import HeightScale  # noqa: E402
from gdanim.lessons.gradient_descent_3d import Params, plan  # noqa: E402
from gdanim.wording import GRAD_NORM, point, rate_value, sci  # noqa: E402

WIDTH, HEIGHT, FPS, DPI = 1280, 720, 30, 100  # gdanim --quality medium
ENCODE = ["-crf", "18", "-preset", "medium"]  # gdanim's MP4 encode (render.py), so both pay the same encoder
LIFT = 0.02  # ball and trail sit this far (display height) above the surface
SUBSTEPS = 8  # trail points per step, so it bends with the surface as gdanim's does


def load_theme():
    """gdanim's theme module without importing gdanim.visual, whose package import loads manim
    (~1 s) that a matplotlib peer would not pay."""
    spec = importlib.util.find_spec("gdanim")
    path = Path(spec.origin).parent / "visual" / "theme.py"
    module_spec = importlib.util.spec_from_file_location("peer_theme", path)
    module = sys.modules[module_spec.name] = importlib.util.module_from_spec(module_spec)  # dataclasses look it up
    module_spec.loader.exec_module(module)
    return module


def timeline(captions: list[str], frames: int) -> np.ndarray:
    """Per caption, the frame it starts on (and the end): shares proportional to caption length,
    as reading time is."""
    lengths = np.array([len(c) for c in captions], dtype=float)
    return np.rint(np.concatenate([[0.0], np.cumsum(lengths)]) / lengths.sum() * frames).astype(int)


def step_at(frame: int, start: int, end: int, shown: int) -> float:
    """The (fractional) optimizer step at ``frame``: 0 before ``start``, ``shown`` from ``end`` on."""
    return float(np.clip((frame - start) / max(end - start, 1), 0.0, 1.0) * shown)


def hud_text(traj, k: int) -> str:
    """The HUD's rows at step ``k``, in gdanim's number formats."""
    x, y = traj.positions[0, k]
    stopped = k >= traj.stop_step[0]
    lr = traj.lrs[0, max(min(k, int(traj.stop_step[0]) - 1, traj.steps - 1), 0)]
    rows = [("step", f"{k}"), ("position", point((x, y), 2)), ("loss", sci(traj.losses[0, k])),
            (GRAD_NORM, sci(float(np.linalg.norm(traj.gradients[0, k])))), ("α", rate_value(lr)),
            ("status", str(traj.stop_reason[0]) if stopped else "running")]
    return "\n".join(f"{label:<9}{value}" for label, value in rows)


def build(frames: int):
    """The figure and FuncAnimation of the lesson at its default parameters."""
    p, themes = Params(), load_theme()
    theme = themes.THEME
    lesson = plan(p)
    traj, shown, land = lesson.runs.traj, lesson.runs.shown, lesson.runs.traj.landscape
    heights = HeightScale.for_landscape(land)

    fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=theme.background)
    ax = fig.add_axes((0.15, -0.12, 0.85, 1.24), projection="3d", computed_zorder=False)
    ax.set_facecolor(theme.background)
    ax.set_axis_off()
    (x0, x1), (y0, y1) = land.domain
    depth = p.surface_width * min(max((y1 - y0) / (x1 - x0), 0.5), 1.0)
    ax.set_box_aspect((p.surface_width, depth, 2.6), zoom=0.9)
    xs, ys = np.meshgrid(np.linspace(x0, x1, p.surface_resolution + 1), np.linspace(y0, y1, p.surface_resolution + 1))
    zs = heights(land.value(np.column_stack([xs.ravel(), ys.ravel()]))).reshape(xs.shape)
    ramp = LinearSegmentedColormap.from_list("surface", theme.surface_colors)
    ax.plot_surface(xs, ys, zs, cmap=ramp, vmin=0.0, vmax=1.0, rstride=1, cstride=1, linewidth=0,
                    antialiased=False, alpha=theme.surface_opacity, zorder=1)
    ax.set_zlim(0.0, 1.0)

    color = themes.optimizer_color(p.optimizer)
    trail, = ax.plot([], [], [], color=color, linewidth=3, zorder=2)
    ball, = ax.plot([], [], [], "o", color=color, markersize=11, markeredgecolor=theme.text, zorder=3)
    text = {"color": theme.text, "fontsize": 17, "family": theme.font}
    fig.text(0.97, 0.93, f"$L(x, y) = {land.latex.replace(chr(92) + ',', ' ')}$", ha="right", **text)
    panel = {"boxstyle": "square,pad=0.6", "facecolor": theme.panel, "edgecolor": "none", "alpha": theme.panel_opacity}
    hud = fig.text(0.03, 0.93, "", va="top", bbox=panel, **{**text, "family": theme.mono})
    fig.text(0.03, 0.25, f"{lesson.runs.label}\n" + r"$\theta \leftarrow \theta - \alpha\,\nabla L(\theta)$",
             va="bottom", bbox=panel, **text)
    caption = fig.text(0.5, 0.05, "", ha="center", va="bottom", wrap=True, **text)

    captions = [f"{lesson.title}: {lesson.subtitle}", *(b.caption for b in lesson.beats), lesson.takeaway]
    kinds = ["title", *(b.kind for b in lesson.beats), "takeaway"]
    starts = timeline(captions, frames)
    intro = kinds.index("intro")
    moving = [i for i, kind in enumerate(kinds) if kind in ("arrow", "descent")]
    theta = p.camera_theta
    fine = np.linspace(0.0, traj.steps, traj.steps * SUBSTEPS + 1)
    path = np.column_stack([np.interp(fine, np.arange(traj.steps + 1), traj.positions[0, :, i]) for i in (0, 1)])

    def update(frame: int):
        beat = int(np.searchsorted(starts, frame, side="right")) - 1
        caption.set_text(captions[min(beat, len(captions) - 1)])
        swing = np.clip((frame - starts[intro]) / max(starts[intro + 1] - starts[intro], 1), 0.0, 1.0)
        ax.view_init(elev=90.0 - p.camera_phi, azim=theta - p.orbit_degrees * (1.0 - swing))
        s = step_at(frame, starts[moving[0]], starts[moving[-1] + 1], shown)
        k = int(s)
        xy = path[: int(s * SUBSTEPS) + 1]
        z = heights(land.value(xy)) + LIFT
        trail.set_data_3d(xy[:, 0], xy[:, 1], z)
        ball.set_data_3d(xy[-1:, 0], xy[-1:, 1], z[-1:])
        hud.set_text(hud_text(traj, k))
        return trail, ball, hud, caption

    return fig, FuncAnimation(fig, update, frames=frames, blit=False, repeat=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    count = parser.add_mutually_exclusive_group(required=True)
    count.add_argument("--frames", type=int, help="frames to write (1280x720 at 30 fps)")
    count.add_argument("--like", type=Path, help="write as many frames as this video has")
    parser.add_argument("--out", type=Path, default=Path("peer_matplotlib.mp4"))
    args = parser.parse_args()
    frames = args.frames if args.frames else imageio_ffmpeg.count_frames_and_secs(str(args.like))[0]
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    fig, animation = build(frames)
    animation.save(str(args.out), writer=FFMpegWriter(fps=FPS, codec="h264", extra_args=["-pix_fmt", "yuv420p", *ENCODE]),
                   dpi=DPI, savefig_kwargs={"facecolor": fig.get_facecolor()})
    print(f"{args.out}: {frames} frames")


if __name__ == "__main__":
    main()
