"""Display geometry (numpy side of drawing): heights, draped paths, interpolation."""

import numpy as np

from gdanim.display import HeightScale, domain_grid, draped_path, inside_domain, point_at
from gdanim.landscapes import get_landscape


def test_height_scale_maps_minimum_to_zero_and_ceiling_to_one():
    land = get_landscape("bowl")
    h = HeightScale.for_landscape(land)
    assert h.floor == 0.0 and h.ceiling == 8.0  # corners of [-2, 2]^2
    np.testing.assert_allclose(h(np.array([0.0, 2.0, 8.0, 80.0])), [0.0, 0.25, 1.0, 1.0])
    assert h(np.inf) == 1.0 and h(np.nan) == 1.0


def test_log_display_keeps_the_rosenbrock_valley_visible():
    land = get_landscape("rosenbrock")
    h = HeightScale.for_landscape(land)
    assert h.log
    # loss 1 (e.g. (0, 0)) sits at log(2)/log(1+max) of the height, well off the floor
    np.testing.assert_allclose(h(1.0), np.log(2) / np.log1p(h.ceiling))
    assert 0.05 < h(1.0) < 0.2


def test_draped_path_samples_segments_on_the_surface():
    land = get_landscape("bowl")
    positions = np.array([[1.0, 0.0], [-1.0, 0.0]])
    path = draped_path(land, positions, substeps=4)
    assert path.shape == (5, 3)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.5, 0.0, -0.5, -1.0])
    np.testing.assert_allclose(path[:, 2], path[:, 0] ** 2)  # the chord would stay at 1


def test_point_at_interpolates_and_clamps():
    pos = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 2.0]])
    np.testing.assert_allclose(point_at(pos, 0.5), [0.5, 1.0])
    np.testing.assert_allclose(point_at(pos, 1.25), [1.5, 2.0])
    np.testing.assert_allclose(point_at(pos, 9), [3.0, 2.0])
    np.testing.assert_allclose(point_at(pos, -1), [0.0, 0.0])


def test_grid_and_domain():
    land = get_landscape("valley")
    grid = domain_grid(land, 5)
    assert grid.shape == (5, 5, 2)
    assert inside_domain(land, grid).all()
    assert not inside_domain(land, [10.0, 0.0])
