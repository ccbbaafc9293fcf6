"""Boundaries from the shared GeoJSON files as matplotlib path arrays, without a GIS stack."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from utenforskap.errors import DataError
from utenforskap.geo import GeoWarning, read_boundaries, read_crosswalk
from utenforskap.geo.boundaries import CLOSEPOLY, LINETO, MOVETO

# Well-known places (WGS84 lon, lat) and the 2024 kommune they lie in.
PLACES = {
    "Bergen, Torgallmenningen": ((5.3245, 60.3929), "4601"),
    "Stavanger, Domkirken": ((5.7330, 58.9700), "1103"),
    "Tromsø, Storgata": ((18.9553, 69.6492), "5501"),
    "Asker stasjon": ((10.4350, 59.8333), "3203"),
    "Trondheim, Nidarosdomen": ((10.3967, 63.4269), "5001"),
}

# Places in Oslo and their bydel (Marka 030116 and Sentrum 030117 are not in the file).
BYDEL_PLACES = {
    "Olaf Ryes plass (Grünerløkka)": ((10.7575, 59.9228), "030102"),
    "Majorstuen (Frogner)": ((10.7140, 59.9297), "030105"),
    "Vinderen (Vestre Aker)": ((10.7020, 59.9430), "030107"),
    "Grorud stasjon (Grorud)": ((10.8807, 59.9614), "030110"),
    "Mortensrud (Søndre Nordstrand)": ((10.8290, 59.8490), "030115"),
}


def test_matplotlib_constants_match():
    assert (MOVETO, LINETO, CLOSEPOLY) == (MplPath.MOVETO, MplPath.LINETO, MplPath.CLOSEPOLY)


def test_kommuner_2024_cover_known_places_once_each(geo_dir):
    boundaries = read_boundaries(geo_dir / "kommuner_2024.geojson")
    assert boundaries.level == "kommune"
    assert len(boundaries.codes) == 356
    paths = boundaries.to_paths()
    for name, (point, code) in PLACES.items():
        inside = [c for c, path in paths.items() if path.contains_point(point)]
        assert inside == [code], name


def test_kommune_codes_are_2024_codes(geo_dir):
    boundaries = read_boundaries(geo_dir / "kommuner_2024.geojson")
    targets = set(read_crosswalk(geo_dir / "kommune_codes_to_2024.csv").targets()["code"])
    # Haram (1580) was re-established in 2024 and is missing from this map edition.
    assert targets - set(boundaries.codes) == {"1580"}
    assert set(boundaries.codes) <= targets


def test_oslo_bydeler_as_path_arrays(geo_dir):
    path = geo_dir / "oslo_bydeler_2024.geojson"
    boundaries = read_boundaries(path)
    assert boundaries.codes == tuple(f"0301{i:02d}" for i in range(1, 16))
    raw = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in raw["features"] if f["properties"]["code"] == "030101")
    rings = [ring for polygon in feature["geometry"]["coordinates"] for ring in polygon]
    vertices, codes = boundaries.path_arrays("030101")
    assert len(vertices) == sum(len(r) for r in rings)
    np.testing.assert_array_equal(vertices[: len(rings[0])], np.asarray(rings[0]))
    assert (codes == MOVETO).sum() == len(rings)
    assert (codes == CLOSEPOLY).sum() == len(rings)
    paths = boundaries.to_paths()
    for name, (point, code) in BYDEL_PLACES.items():
        assert [c for c, p in paths.items() if p.contains_point(point)] == [code], name


def test_bydeler_lie_within_oslo(geo_dir):
    bydeler = read_boundaries(geo_dir / "oslo_bydeler_2024.geojson")
    oslo = read_boundaries(geo_dir / "kommuner_2024.geojson", codes=["0301"])
    xmin, ymin, xmax, ymax = oslo.bounds()
    bxmin, bymin, bxmax, bymax = bydeler.bounds()
    tolerance = 0.01  # degrees; the two maps are generalised separately
    assert bxmin >= xmin - tolerance and bymin >= ymin - tolerance
    assert bxmax <= xmax + tolerance and bymax <= ymax + tolerance


def test_patches_for_plotting(geo_dir):
    patches = read_boundaries(geo_dir / "fylker_2024.geojson").to_patches(facecolor="none")
    assert len(patches) == 15
    assert all(p.get_path().vertices.shape[1] == 2 for p in patches.values())


def _write(tmp_path, features):
    path = tmp_path / "x.geojson"
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
POINT = {"type": "Point", "coordinates": [0, 0]}


def test_integer_code_is_repaired_and_ring_closed(tmp_path):
    path = _write(tmp_path, [{"properties": {"code": 301}, "geometry": SQUARE}])
    with pytest.warns(GeoWarning, match="leading zero"):
        boundaries = read_boundaries(path)
    vertices, codes = boundaries.path_arrays("0301")
    assert len(vertices) == 5
    assert codes.tolist() == [MOVETO, LINETO, LINETO, LINETO, CLOSEPOLY]


@pytest.mark.parametrize(
    ("features", "match"),
    [
        ([{"properties": {}, "geometry": SQUARE}], "no property 'code'"),
        ([{"properties": {"code": "0301"}, "geometry": POINT}], "Polygon"),
        (
            [
                {"properties": {"code": "0301"}, "geometry": SQUARE},
                {"properties": {"code": "0301"}, "geometry": SQUARE},
            ],
            "twice",
        ),
    ],
)
def test_bad_features_are_refused(tmp_path, features, match):
    with pytest.raises(DataError, match=match):
        read_boundaries(_write(tmp_path, features))


def test_missing_requested_code(geo_dir):
    with pytest.raises(DataError, match="no boundary for 1 requested"):
        read_boundaries(geo_dir / "fylker_2024.geojson", codes=["03", "99"])


def test_geopandas_is_optional(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "geopandas", None)
    path = _write(tmp_path, [{"properties": {"code": "0301"}, "geometry": SQUARE}])
    boundaries = read_boundaries(path)
    with pytest.raises(ImportError, match="geopandas is not installed"):
        boundaries.to_geopandas()
    shapefile = tmp_path / "x.shp"
    shapefile.write_bytes(b"")
    with pytest.raises(ImportError, match="geopandas"):
        read_boundaries(shapefile)
