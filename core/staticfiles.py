"""Serve plotly.js from the plotly Python package as a local static file (no CDN; pages work offline)."""

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "plotly/plotly.min.js"


def _plotly_folder() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds exactly one file, `plotly/plotly.min.js`, inside the installed plotly package.

    Only that bundle is exposed: the package folder also holds sample datasets and a widget bundle that
    `collectstatic` would otherwise copy.
    """

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        match = str(_plotly_folder() / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=str(_plotly_folder()))
        storage.prefix = "plotly"
        yield "plotly.min.js", storage
