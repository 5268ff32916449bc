"""Inline SVG charts keep machine-readable numbers in every language."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.utils import translation


def test_chart_geometry_is_not_localised():
    template = Template(
        "{% load sk %}{% bar_chart rows 'Serapan' %}{% pyramid_chart bands 'Piramida' %}"
    )
    rows = [{"label": "A", "value": 57.73}, {"label": "B", "value": 100}]
    bands = [{"band": "0-4", "male": 3, "female": 7}]
    with translation.override("id"):
        html = template.render(Context({"rows": rows, "bands": bands}))
    attributes = re.findall(r'\s(?:x|y|width|height)="([^"]*)"', html)
    assert attributes and all("," not in value for value in attributes), attributes
    assert "57,73" in html  # the values shown to people stay Indonesian
