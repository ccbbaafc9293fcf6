"""The output layout: every file a run writes, named in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from utenforskap.job.config import RunConfig
from utenforskap.job.manifest import MANIFEST_NAME

__all__ = ["OutputLayout", "output_layout"]

_CSV = PurePosixPath("indicators.csv")
_PARQUET = PurePosixPath("indicators.parquet")
_XLSX = PurePosixPath("indicators.xlsx")
_FIGURES = PurePosixPath("figures")
_INDEX = _FIGURES / "index.html"
_REPORT = PurePosixPath("report.pdf")
_SLIDES = PurePosixPath("slides.pptx")
_MANIFEST = PurePosixPath(MANIFEST_NAME)


@dataclass(frozen=True)
class OutputLayout:
    """What a run writes into its output folder, as paths relative to the folder.

    A new output (a slide deck, a restricted disclosure audit file, one folder
    per kommune) is a new attribute here, listed in :meth:`entries`; the run
    checks after writing that the folder holds exactly what the layout names
    (:meth:`unexpected`, :meth:`missing`).

    Attributes
    ----------
    folder
        The output folder (a symlink to the current version, see
        :mod:`utenforskap.job.atomic`).
    csv, parquet, xlsx
        The published IndicatorFrame as tables.
    figures
        The figures folder: one file per figure and format.
    figure_formats
        Formats of the figure files (``png``, ``svg``, ``pdf``).
    index
        The figures' index page.
    report
        The PDF report (vector A4 pages: cover, summary, method, figures), or
        None when not asked for.
    slides
        The 16:9 slide deck of the key figures, or None (written with the
        report when the figures include PNG files).
    manifest
        ``manifest.json``, written last.

    Examples
    --------
    >>> layout = OutputLayout(Path("data/processed"), figure_formats=("png",), report=None)
    >>> [path for path, _ in layout.entries()]  # doctest: +NORMALIZE_WHITESPACE
    ['indicators.csv', 'indicators.parquet', 'indicators.xlsx', 'figures/*.png',
     'figures/index.html', 'manifest.json']
    """

    folder: Path
    csv: PurePosixPath = _CSV
    parquet: PurePosixPath = _PARQUET
    xlsx: PurePosixPath = _XLSX
    figures: PurePosixPath = _FIGURES
    figure_formats: tuple[str, ...] = ("png", "svg")
    index: PurePosixPath = _INDEX
    report: PurePosixPath | None = _REPORT
    slides: PurePosixPath | None = None
    manifest: PurePosixPath = _MANIFEST

    def entries(self) -> list[tuple[str, str]]:
        """Every output, in the order written: ``(path or pattern, what it holds)``.

        Returns
        -------
        list of (str, str)
            Paths relative to the folder (``/``-separated); figure files as
            one pattern per format, e.g. ``figures/*.png``.
        """
        out = [
            (self.csv.as_posix(), "table (CSV)"),
            (self.parquet.as_posix(), "table (Parquet)"),
            (self.xlsx.as_posix(), "table (XLSX, one sheet per indicator)"),
        ]
        out += [((self.figures / f"*.{fmt}").as_posix(), "figures") for fmt in self.figure_formats]
        out.append((self.index.as_posix(), "index page of the figures"))
        if self.report is not None:
            out.append((self.report.as_posix(), "report: cover, summary, method, figures"))
        if self.slides is not None:
            out.append((self.slides.as_posix(), "slide deck of the key figures"))
        out.append((self.manifest.as_posix(), "inputs, outputs, counts and warnings"))
        return out

    def path(self, relative: PurePosixPath, root: Path) -> Path:
        """Return where an output of this layout goes under ``root`` (a version being written).

        Parameters
        ----------
        relative
            One of the layout's paths, e.g. ``layout.csv``.
        root
            The folder being written.

        Returns
        -------
        pathlib.Path
            ``root / relative``.
        """
        return Path(root, *relative.parts)

    def _matches(self, name: str) -> bool:
        path = PurePosixPath(name)
        return any(
            len(path.parts) == len(PurePosixPath(pattern).parts) and path.match(pattern)
            for pattern, _ in self.entries()
        )

    def unexpected(self, root: Path) -> list[str]:
        """Files under ``root`` that the layout does not name.

        Parameters
        ----------
        root
            A written output folder.

        Returns
        -------
        list of str
            Relative paths, sorted; empty when the layout names every file.
        """
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return [name for name in files if not self._matches(name)]

    def missing(self, root: Path) -> list[str]:
        """Outputs of the layout (single files, not figure patterns) that ``root`` lacks.

        Parameters
        ----------
        root
            A written output folder.

        Returns
        -------
        list of str
            Relative paths; empty when every named file is there.
        """
        return [
            name
            for name, _ in self.entries()
            if "*" not in name and not self.path(PurePosixPath(name), root).is_file()
        ]


def output_layout(config: RunConfig, folder: Path) -> OutputLayout:
    """The layout of a run of ``config`` writing to ``folder``.

    Parameters
    ----------
    config
        The run configuration (its ``[figures]`` decide formats and the report).
    folder
        The output folder.

    Returns
    -------
    OutputLayout
        The layout.

    Examples
    --------
    >>> from utenforskap.datasets import demo_config_path
    >>> from utenforskap.job.config import load_config
    >>> cfg = load_config(demo_config_path(), base=Path("/srv/kommune"))
    >>> layout = output_layout(cfg, cfg.output)
    >>> layout.folder.as_posix(), layout.report.as_posix()
    ('/srv/kommune/data/processed', 'report.pdf')
    """
    figures = config.figures
    return OutputLayout(
        Path(folder),
        figure_formats=tuple(figures.formats),
        report=_REPORT if figures.report else None,
        slides=_SLIDES if figures.report and "png" in figures.formats else None,
    )
