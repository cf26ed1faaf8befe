"""Sphinx configuration for the omnicontact docs (built with warnings as errors)."""

from __future__ import annotations

from importlib.metadata import version as _version

project = "omnicontact"
author = "omnicontact developers"
copyright = "2026, omnicontact developers"
release = _version("omnicontact")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_class_signature = "separated"
intersphinx_mapping: dict[str, tuple[str, None]] = {}

html_theme = "furo"
html_title = "omnicontact"
