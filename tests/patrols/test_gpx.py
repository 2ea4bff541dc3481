"""Reading a patrol's route: GPX files from phones and bike computers, and lines drawn on the map."""

import re
from pathlib import Path

import pytest

from commonbeat.patrols import services
from commonbeat.patrols.services import PatrolError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def garmin() -> bytes:
    """A Garmin Connect export of a bike patrol: XML declaration, GPX 1.1, TrackPointExtension (heart rate,
    cadence, temperature), elevation and time on every point, and three segments where the device paused."""
    return (FIXTURES / "garmin_bike_patrol.gpx").read_bytes()


def points_in(gpx: bytes) -> list[list[tuple[float, float]]]:
    """Each <trkseg>'s (longitude, latitude) pairs, read with a regular expression as a cross-check."""
    segments = re.findall(rb"<trkseg>(.*?)</trkseg>", gpx, re.S)
    return [[(float(lon), float(lat)) for lat, lon in re.findall(rb'<trkpt lat="([^"]+)" lon="([^"]+)"', segment)]
            for segment in segments]


def test_a_garmin_export_becomes_a_multilinestring_with_every_point(garmin):
    route = services.route_from_gpx(garmin)
    expected = points_in(garmin)
    assert route["type"] == "MultiLineString"
    assert [len(line) for line in route["coordinates"]] == [len(segment) for segment in expected] == [12, 8, 10]
    for line, segment in zip(route["coordinates"], expected, strict=True):
        for (longitude, latitude), (want_longitude, want_latitude) in zip(line, segment, strict=True):
            assert longitude == round(want_longitude, 6) and latitude == round(want_latitude, 6)
    assert route["coordinates"][0][0] == [-89.9965, 40.004]  # longitude first, as GeoJSON has it


def test_a_byte_order_mark_is_read(garmin):
    assert services.route_from_gpx(b"\xef\xbb\xbf" + garmin) == services.route_from_gpx(garmin)


def test_a_gpx_file_with_only_a_planned_route_is_read():
    gpx = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Route planner" xmlns="http://www.topografix.com/GPX/1/1">
  <rte>
    <name>School route</name>
    <rtept lat="40.0010" lon="-89.9990"><name>Gate</name></rtept>
    <rtept lat="40.0020" lon="-89.9980"></rtept>
    <rtept lat="40.0030" lon="-89.9985"></rtept>
  </rte>
</gpx>"""
    assert services.route_from_gpx(gpx) == {
        "type": "MultiLineString", "coordinates": [[[-89.999, 40.001], [-89.998, 40.002], [-89.9985, 40.003]]]}


def test_tracks_are_preferred_to_routes_and_single_points_are_dropped():
    gpx = b"""<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <rte><rtept lat="40.1" lon="-89.1"/><rtept lat="40.2" lon="-89.2"/></rte>
  <trk><trkseg><trkpt lat="40.0" lon="-89.9"/></trkseg>
       <trkseg><trkpt lat="40.001" lon="-89.99"/><trkpt lat="40.002" lon="-89.98"/></trkseg></trk>
</gpx>"""
    assert services.route_from_gpx(gpx)["coordinates"] == [[[-89.99, 40.001], [-89.98, 40.002]]]


def test_a_gpx_file_declaring_entities_is_refused():
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<gpx version="1.1" creator="&lol3;" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg><trkpt lat="40.0" lon="-89.9"/><trkpt lat="40.1" lon="-89.8"/></trkseg></trk>
</gpx>"""
    with pytest.raises(PatrolError, match="declares its own entities"):
        services.route_from_gpx(billion_laughs)


def test_an_entity_declared_further_down_the_file_is_refused_too(garmin):
    sneaky = garmin.replace(b"<trk>", b"<!-- " + b"x" * 3000 + b' --><!ENTITY e SYSTEM "file:///etc/passwd"><trk>', 1)
    with pytest.raises(PatrolError, match="entities"):
        services.route_from_gpx(sneaky)


def test_a_file_larger_than_five_megabytes_is_refused(garmin):
    padding = b"<!-- " + b"x" * (services.MAX_GPX_BYTES) + b" -->"
    with pytest.raises(PatrolError, match="larger than 5 MB"):
        services.route_from_gpx(garmin.replace(b"<trk>", padding + b"<trk>", 1))


@pytest.mark.parametrize("data", [b"", b"not xml at all", b"\xff\xfe\x00garbage", b"<html><body>hi</body></html>",
                                  b'{"type": "LineString"}'])
def test_something_that_is_not_gpx_is_refused(data):
    with pytest.raises(PatrolError):
        services.route_from_gpx(data)


def test_a_gpx_file_without_a_line_is_refused():
    gpx = b'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">' \
          b'<wpt lat="40.0" lon="-89.9"><name>Only a waypoint</name></wpt></gpx>'
    with pytest.raises(PatrolError, match="at least two points"):
        services.route_from_gpx(gpx)


# ---------------------------------------------------------------- drawn routes (GeoJSON)

LINE = [[-89.999, 40.001], [-89.998, 40.002]]


@pytest.mark.parametrize("drawn", [
    {"type": "LineString", "coordinates": LINE},
    {"type": "MultiLineString", "coordinates": [LINE, [[-89.99, 40.0], [-89.98, 40.01]]]},
    {"type": "Feature", "properties": {"name": "beat"}, "geometry": {"type": "LineString", "coordinates": LINE}},
])
def test_a_drawn_line_becomes_a_multilinestring(drawn):
    route = services.route_from_geojson(drawn)
    assert route["type"] == "MultiLineString" and route["coordinates"][0] == LINE


def test_heights_are_dropped_and_coordinates_rounded():
    drawn = [[-89.9991234567, 40.0011234567, 182.4], ["-89.998", "40.002"]]
    route = services.route_from_geojson({"type": "LineString", "coordinates": drawn})
    assert route["coordinates"] == [[[-89.999123, 40.001123], [-89.998, 40.002]]]


@pytest.mark.parametrize("drawn", [
    {"type": "Polygon", "coordinates": [[[-90, 40], [-89.99, 40], [-89.99, 40.01], [-90, 40]]]},
    {"type": "Point", "coordinates": [-90, 40]},
    {"type": "Feature", "geometry": None},
    {"type": "FeatureCollection", "features": []},
    "LINESTRING(-90 40, -89 41)",
    None,
    [LINE],
    {"type": "LineString", "coordinates": [["a", "b"], ["c", "d"]]},
    {"type": "LineString", "coordinates": None},
    {"type": "LineString", "coordinates": [[-89.999, 40.001]]},
    {"type": "LineString", "coordinates": [[-189.0, 40.0], [-89.0, 40.0]]},
    {"type": "LineString", "coordinates": [[-89.0, 91.0], [-89.0, 40.0]]},
])
def test_anything_but_a_line_of_valid_points_is_refused(drawn):
    with pytest.raises(PatrolError):
        services.route_from_geojson(drawn)


def test_a_route_with_too_many_points_is_refused():
    line = [[-89.9 + index * 1e-7, 40.0] for index in range(services.MAX_ROUTE_POINTS + 1)]
    with pytest.raises(PatrolError, match="more than 20,000 points"):
        services.route_from_geojson({"type": "LineString", "coordinates": line})
