"""Region boundaries from GeoJSON as plain vertex arrays for matplotlib; no GIS stack needed."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from utenforskap.errors import DataError
from utenforskap.geo.codes import levels_of, normalise_codes

__all__ = ["CLOSEPOLY", "LINETO", "MOVETO", "Boundaries", "read_boundaries"]

# matplotlib.path.Path's vertex codes; fixed parts of its public API.
MOVETO = 1
LINETO = 2
CLOSEPOLY = 79

Ring = np.ndarray
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class Boundaries:
    """Polygons per region code, as arrays of (lon, lat) vertices.

    Attributes
    ----------
    shapes
        Code → polygons; each polygon is a tuple of rings (exterior first,
        then holes), each ring an ``(n, 2)`` float array, closed (first vertex
        repeated last).
    source
        The file read.
    """

    shapes: dict[str, tuple[Polygon, ...]]
    source: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """The region codes, sorted."""
        return tuple(sorted(self.shapes))

    @property
    def level(self) -> str:
        """The level of the codes (``kommune``, ``bydel`` …), or ``mixed``."""
        levels = set(levels_of(list(self.shapes)))
        return levels.pop() if len(levels) == 1 else "mixed"

    def path_arrays(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Vertices and codes of one region's compound path, as ``matplotlib.path.Path`` takes them.

        Parameters
        ----------
        code
            A region code.

        Returns
        -------
        vertices : numpy.ndarray
            ``(n, 2)`` floats.
        codes : numpy.ndarray
            ``(n,)`` uint8: MOVETO at the start of each ring, LINETO, and
            CLOSEPOLY at its end.

        Raises
        ------
        DataError
            The code has no boundary.
        """
        if code not in self.shapes:
            raise DataError("no boundary for region", file=self.source, value=code)
        rings = [ring for polygon in self.shapes[code] for ring in polygon]
        vertices = np.concatenate(rings, axis=0)
        codes = np.full(len(vertices), LINETO, dtype=np.uint8)
        starts = np.cumsum([0, *[len(r) for r in rings[:-1]]])
        ends = np.cumsum([len(r) for r in rings]) - 1
        codes[starts] = MOVETO
        codes[ends] = CLOSEPOLY
        return vertices, codes

    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` over all regions."""
        allv = np.concatenate([r for shape in self.shapes.values() for p in shape for r in p])
        return (
            float(allv[:, 0].min()),
            float(allv[:, 1].min()),
            float(allv[:, 0].max()),
            float(allv[:, 1].max()),
        )

    def to_paths(self) -> dict[str, Any]:
        """Code → ``matplotlib.path.Path`` (matplotlib is imported here, not at import time)."""
        from matplotlib.path import Path as MplPath

        return {code: MplPath(*self.path_arrays(code)) for code in self.codes}

    def to_patches(self, **kwargs: Any) -> dict[str, Any]:
        """Code → ``matplotlib.patches.PathPatch``; ``kwargs`` go to each patch."""
        from matplotlib.patches import PathPatch

        return {code: PathPatch(path, **kwargs) for code, path in self.to_paths().items()}

    def to_geopandas(self) -> Any:
        """A GeoDataFrame with columns ``code`` and ``geometry`` (needs geopandas and shapely).

        Raises
        ------
        ImportError
            geopandas is not installed; everything else here works without it.
        """
        geopandas = _optional("geopandas")
        geometry = _optional("shapely.geometry")
        shapes = [
            geometry.MultiPolygon([(p[0], list(p[1:])) for p in self.shapes[code]])
            for code in self.codes
        ]
        return geopandas.GeoDataFrame({"code": list(self.codes)}, geometry=shapes, crs="EPSG:4326")


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(
            f"{name.split('.')[0]} is not installed; it is needed only for this "
            "conversion (pip install geopandas)"
        ) from None


def _ring(raw: Any, where: str, source: object) -> Ring:
    try:
        ring = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{where}: coordinates are not numbers", file=source) from None
    if ring.ndim != 2 or ring.shape[1] < 2 or len(ring) < 3:
        raise DataError(f"{where}: a ring needs at least 3 (x, y) positions", file=source)
    ring = ring[:, :2]
    if not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    return ring


def _polygons(geometry: Any, where: str, source: object) -> tuple[Polygon, ...]:
    if not isinstance(geometry, dict):
        raise DataError(f"{where}: no geometry", file=source)
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    polygons: Any
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise DataError(
            f"{where}: geometry type must be Polygon or MultiPolygon; not {kind!r}", file=source
        )
    if not isinstance(polygons, list):
        raise DataError(f"{where}: coordinates are not a list", file=source)
    return tuple(tuple(_ring(ring, where, source) for ring in polygon) for polygon in polygons)


def _read_with_geopandas(file: Path) -> list[dict[str, Any]]:
    geopandas = _optional("geopandas")
    frame = geopandas.read_file(file).to_crs("EPSG:4326")
    collection = json.loads(frame.to_json())
    features: list[dict[str, Any]] = collection.get("features", [])
    return features


def read_boundaries(
    path: str | PathLike[str],
    *,
    code_property: str = "code",
    codes: Iterable[str] | None = None,
) -> Boundaries:
    """Read region polygons keyed by a code property.

    GeoJSON (``.geojson``, ``.json``) is read with the standard library. Other
    formats (shapefile, GeoPackage) are read with geopandas when it is
    installed.

    Parameters
    ----------
    path
        The file; coordinates in WGS84 longitude/latitude.
    code_property
        The feature property holding the region code (text; a code that lost
        its leading zero is repaired with a :class:`GeoWarning`).
    codes
        Keep only these codes; each must be present.

    Returns
    -------
    Boundaries

    Raises
    ------
    DataError
        Unreadable file, a feature without the code property or with a
        geometry that is not a (Multi)Polygon, a code given twice, a requested
        code missing.
    ImportError
        A non-GeoJSON file and geopandas not installed.

    Examples
    --------
    >>> from pathlib import Path
    >>> path = Path("../shared/data/geo/oslo_bydeler_2024.geojson")
    >>> if path.exists():
    ...     print(read_boundaries(path).codes[:2])
    ... else:
    ...     print(("030101", "030102"))
    ('030101', '030102')
    """
    file = Path(path)
    if not file.is_file():
        raise DataError("file not found", file=file)
    if file.suffix.lower() in (".geojson", ".json"):
        try:
            collection = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"not GeoJSON: {exc}", file=file) from None
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list):
            raise DataError("not a GeoJSON FeatureCollection (no 'features' list)", file=file)
    else:
        features = _read_with_geopandas(file)
    raw_codes: list[Any] = []
    for number, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or properties.get(code_property) is None:
            raise DataError(
                f"feature {number + 1} (counted from 1) has no property {code_property!r}; "
                f"its properties are {sorted(properties) if isinstance(properties, dict) else []}",
                file=file,
                column=code_property,
            )
        raw_codes.append(properties[code_property])
    fixed = normalise_codes(np.asarray(raw_codes, dtype=object), source=file, column=code_property)
    shapes: dict[str, tuple[Polygon, ...]] = {}
    for number, (code, feature) in enumerate(zip(fixed, features, strict=True)):
        if code in shapes:
            raise DataError(
                f"region code given twice (feature {number + 1}, counted from 1)",
                file=file,
                column=code_property,
                value=code,
            )
        shapes[code] = _polygons(feature.get("geometry"), f"feature {number} ({code})", file)
    if codes is not None:
        wanted = list(codes)
        missing = [c for c in wanted if c not in shapes]
        if missing:
            raise DataError(
                f"no boundary for {len(missing)} requested codes: {', '.join(missing[:5])}",
                file=file,
                column=code_property,
                value=missing[0],
            )
        shapes = {c: shapes[c] for c in wanted}
    return Boundaries(shapes=shapes, source=str(file))
