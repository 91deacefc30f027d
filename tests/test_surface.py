"""LossSurface geometry and colour: minimum rings, smooth border, no bulging faces, height ramp."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from manim.utils.bezier import bezier  # noqa: E402

from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.visual.surface import LossSurface, grid_through, handles_through, ramp_color  # noqa: E402
from gdanim.theme import THEME  # noqa: E402

SIDE_SAMPLES = np.linspace(0.0, 1.0, 21)


def sides(surface: LossSurface):
    """Every face side as its four Bézier points (4, 3)."""
    for face in surface.surface:
        yield from face.points.reshape(-1, 4, 3)


def on_border(surface: LossSurface, side) -> bool:
    """Whether both ends of a side lie on the same edge of the plotted domain."""
    ends = np.array([surface.axes.p2c(side[0])[:2], surface.axes.p2c(side[-1])[:2]])
    return any(np.allclose(ends[:, axis], edge) for axis, span in enumerate(surface.land.domain) for edge in span)


def border_error(surface: LossSurface) -> float:
    """Largest height gap, as a share of the box height, between the drawn domain border and the
    surface at the same xy, sampled finely along every border side."""
    worst = 0.0
    for side in filter(lambda s: on_border(surface, s), sides(surface)):
        drawn = np.array([bezier(side)(t) for t in SIDE_SAMPLES])
        xy = np.array([surface.axes.p2c(p)[:2] for p in drawn])
        worst = max(worst, float(np.abs(drawn[:, 2] - surface.to_surface(xy)[:, 2]).max()))
    return worst / surface.axes.z_length


def lightness(color) -> float:
    return float(np.mean(manim.ManimColor(color).to_rgb()))


@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel", "valley"])
def test_a_ring_sits_on_every_minimum_inside_the_domain(name):
    land = get_landscape(name)
    surface = LossSurface(land, resolution=8).shift([0.7, -0.4, 0.2])
    expected = surface.to_scene(np.column_stack([land.minima, land.value(land.minima)]))
    centres = np.array([ring.get_center() for ring in surface.minimum_marks])
    assert len(centres) == len(land.minima)
    np.testing.assert_allclose(centres, expected, atol=1e-9)


def test_a_landscape_without_minima_gets_no_ring():
    assert len(LossSurface(get_landscape("saddle"), resolution=6).minimum_marks) == 0


def test_the_mesh_reaches_down_to_each_minimum():
    """A narrow valley's floor lies between grid lines; a corner on the minimum keeps the mesh
    from bridging over it (and the ring from floating under the mesh)."""
    land = get_landscape("rosenbrock")
    surface = LossSurface(land, resolution=7)  # no evenly spaced grid line through x = 1 or y = 1
    corners = np.vstack([face.get_start_anchors() for face in surface.surface])
    assert np.isclose(corners[:, 2].min(), surface.minimum_marks[0].get_center()[2])


def test_grid_lines_move_onto_inner_values_only():
    lines = grid_through(0.0, 4.0, 4, [1.2, 3.9])
    np.testing.assert_allclose(lines, [0.0, 1.2, 2.0, 3.0, 4.0])  # 3.9 is nearest the border: kept


@pytest.mark.parametrize("name", ["rastrigin", "ackley", "goldstein_price"])
def test_the_border_follows_the_surface_between_grid_points(name):
    """Straight chords miss these borders by 6-24 % of the box height at 12 faces a side, manim's
    Surface by 3-16 %."""
    assert border_error(LossSurface(get_landscape(name), resolution=12)) < 0.04


def test_inner_sides_are_straight():
    """manim's Surface curves every side through the function, so a face straddling Rosenbrock's
    narrow valley bulges below its corners into a saw-tooth."""
    surface = LossSurface(get_landscape("rosenbrock"), resolution=12)
    inner = np.array([side for side in sides(surface) if not on_border(surface, side)])
    a, b = inner[:, 0], inner[:, 3]
    assert len(inner) == 4 * 12 * 12 - 4 * 12
    np.testing.assert_allclose(inner[:, 1:3], np.stack([(2 * a + b) / 3, (a + 2 * b) / 3], axis=1), atol=1e-9)


def test_handles_make_the_cubic_pass_through_the_thirds():
    a, q1, q2, b = np.array([[0.0, 0, 0], [1.0, 2, 0], [2.0, -1, 3], [3.0, 0, 1]])
    curve = bezier(np.array([a, *handles_through(a, q1, q2, b), b]))
    np.testing.assert_allclose([curve(1 / 3), curve(2 / 3)], [q1, q2], atol=1e-12)


def test_higher_faces_are_lighter():
    surface = LossSurface(get_landscape("himmelblau"), resolution=10)
    heights = np.array([surface.axes.p2c(face.get_start_anchors().mean(axis=0))[2] for face in surface.surface])
    light = np.array([lightness(face.get_fill_color()) for face in surface.surface])
    order = np.argsort(heights)
    assert np.all(np.diff(light[order]) >= -1e-6)
    assert light[order[-1]] - light[order[0]] > 0.1


def test_the_ramp_runs_from_the_first_colour_to_the_last():
    colors = THEME.surface_colors
    assert ramp_color(colors, 0.0).to_hex().lower() == colors[0].lower()
    assert ramp_color(colors, 1.0).to_hex().lower() == colors[-1].lower()
    assert ramp_color(colors, 2.0).to_hex().lower() == colors[-1].lower()
