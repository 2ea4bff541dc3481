"""Geography: which neighbourhood a point falls in, and neighbourhoods as GeoJSON and SVG.

Lookups use a shapely STRtree built once per agency and rebuilt only when a boundary changes, so a
point is placed among thousands of polygons in microseconds.
"""

import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from shapely import STRtree
from shapely.geometry import Point, shape

from .models import Agency, Neighbourhood
from .tenancy import scoped


@dataclass(frozen=True)
class _Index:
    fingerprint: tuple
    tree: STRtree
    ids: list[int]
    geometries: list


_indexes: dict[int, _Index] = {}
_lock = threading.Lock()


def _fingerprint(agency: Agency) -> tuple:
    summary = scoped(Neighbourhood, agency).aggregate(count=Count("id"), changed=Max("updated_at"))
    return summary["count"], summary["changed"]


def _index(agency: Agency) -> _Index:
    fingerprint = _fingerprint(agency)
    index = _indexes.get(agency.id)
    if index is None or index.fingerprint != fingerprint:
        rows = list(scoped(Neighbourhood, agency).values_list("id", "boundary"))
        geometries = [shape(boundary) for _, boundary in rows]
        index = _Index(fingerprint, STRtree(geometries), [row_id for row_id, _ in rows], geometries)
        with _lock:
            _indexes[agency.id] = index
    return index


def neighbourhood_at(agency: Agency, longitude: float, latitude: float) -> Neighbourhood | None:
    """The agency's neighbourhood containing the point, or None when it lies outside them all."""
    index = _index(agency)
    point = Point(longitude, latitude)
    for position in index.tree.query(point, predicate="intersects"):
        return scoped(Neighbourhood, agency).get(id=index.ids[int(position)])
    return None


def feature_collection(neighbourhoods) -> dict:
    """Neighbourhoods as an RFC 7946 FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": n.slug,
                "geometry": n.boundary,
                "properties": {"slug": n.slug, "name": n.name, "population": n.population},
            }
            for n in neighbourhoods
        ],
    }


def svg_paths(neighbourhoods, width: int = 600, height: int = 480) -> dict:
    """SVG path data for each neighbourhood, fitted into width × height, for a map that needs no script."""
    shapes = [(n, shape(n.boundary)) for n in neighbourhoods]
    if not shapes:
        return {"width": width, "height": height, "shapes": []}
    min_x = min(s.bounds[0] for _, s in shapes)
    min_y = min(s.bounds[1] for _, s in shapes)
    max_x = max(s.bounds[2] for _, s in shapes)
    max_y = max(s.bounds[3] for _, s in shapes)
    scale = min(width / ((max_x - min_x) or 1), height / ((max_y - min_y) or 1))

    def ring_path(coords) -> str:
        points = [f"{(x - min_x) * scale:.1f},{(max_y - y) * scale:.1f}" for x, y in coords]
        return "M" + " L".join(points) + " Z"

    result = []
    for neighbourhood, geometry in shapes:
        polygons = getattr(geometry, "geoms", [geometry])
        path = " ".join(
            ring_path(ring.coords) for polygon in polygons for ring in [polygon.exterior, *polygon.interiors]
        )
        label = geometry.representative_point()
        result.append(
            {
                "neighbourhood": neighbourhood,
                "path": path,
                "label_x": f"{(label.x - min_x) * scale:.1f}",
                "label_y": f"{(max_y - label.y) * scale:.1f}",
            }
        )
    return {"width": round((max_x - min_x) * scale), "height": round((max_y - min_y) * scale), "shapes": result}


def svg_points(neighbourhoods, points, width: int = 600, height: int = 480) -> list[dict | None]:
    """Each (longitude, latitude) in `points` placed on the map `svg_paths(neighbourhoods, width, height)` draws:
    {"x": "12.3", "y": "45.6"} in the same frame, or None for a missing point, a point outside the
    neighbourhoods' bounds (it would fall off the map), or when there is no map."""
    shapes = [shape(n.boundary) for n in neighbourhoods]
    if not shapes:
        return [None for _ in points]
    min_x = min(s.bounds[0] for s in shapes)
    min_y = min(s.bounds[1] for s in shapes)
    max_x = max(s.bounds[2] for s in shapes)
    max_y = max(s.bounds[3] for s in shapes)
    scale = min(width / ((max_x - min_x) or 1), height / ((max_y - min_y) or 1))
    placed = []
    for longitude, latitude in points:
        if longitude is None or latitude is None or not (min_x <= longitude <= max_x and min_y <= latitude <= max_y):
            placed.append(None)
            continue
        placed.append({"x": f"{(longitude - min_x) * scale:.1f}", "y": f"{(max_y - latitude) * scale:.1f}"})
    return placed
