import random

from shapely.geometry import box, mapping

from commonbeat.core import geo
from commonbeat.core.models import Neighbourhood


def test_a_point_is_placed_in_the_neighbourhood_that_contains_it(agency):
    assert geo.neighbourhood_at(agency, -89.995, 40.005).slug == "alpha-north-end"
    assert geo.neighbourhood_at(agency, -89.985, 40.005).slug == "alpha-south-end"
    assert geo.neighbourhood_at(agency, -70.0, 40.005) is None


def test_another_agencys_neighbourhoods_are_never_matched(agency, other_agency):
    assert geo.neighbourhood_at(agency, -79.995, 40.005) is None
    assert geo.neighbourhood_at(other_agency, -79.995, 40.005).slug == "beta-north-end"


def test_the_lookup_sees_a_changed_boundary(agency):
    assert geo.neighbourhood_at(agency, -89.5, 40.005) is None
    north = Neighbourhood.objects.get(slug="alpha-north-end")
    north.boundary = mapping(box(-89.6, 40.0, -89.4, 40.01))
    north.save()
    assert geo.neighbourhood_at(agency, -89.5, 40.005).slug == "alpha-north-end"


def test_thousands_of_neighbourhoods_are_searched_correctly(agency):
    agency.neighbourhood_set.all().delete()
    cells = [
        Neighbourhood(agency=agency, slug=f"cell-{row}-{col}", name=f"Cell {row} {col}",
                      boundary=mapping(box(col * 0.01, row * 0.01, (col + 1) * 0.01, (row + 1) * 0.01)))
        for row in range(50) for col in range(50)
    ]
    Neighbourhood.objects.bulk_create(cells)
    rng = random.Random(7)
    for _ in range(200):
        x, y = rng.uniform(0, 0.5), rng.uniform(0, 0.5)
        expected = f"cell-{int(y / 0.01)}-{int(x / 0.01)}"
        assert geo.neighbourhood_at(agency, x, y).slug == expected


def test_the_svg_map_fits_the_shapes_in_its_frame(agency):
    drawing = geo.svg_paths(list(agency.neighbourhood_set.all()), width=600, height=480)
    assert drawing["width"] <= 600 and drawing["height"] <= 480
    assert all(shape["path"].startswith("M") and shape["path"].endswith("Z") for shape in drawing["shapes"])
