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


def test_bars_carry_their_category_names():
    html = Template("{% load sk %}{% bar_chart rows 'Agama' %}").render(
        Context({"rows": [{"label": "Islam", "value": 90}, {"label": "Hindu", "value": 10}]})
    )
    svg = html[html.index("<svg") : html.index("</svg>")]
    labels = re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', svg)
    assert labels == ["Islam", "Hindu"]


def test_the_pyramid_and_its_table_run_in_the_same_order():
    bands = [
        {"band": "0-4", "male": 3, "female": 7},
        {"band": "5-9", "male": 4, "female": 5},
        {"band": "75+", "male": 1, "female": 2},
    ]
    html = Template("{% load sk %}{% pyramid_chart bands 'Piramida' %}").render(
        Context({"bands": bands})
    )
    svg, table = html.split("</svg>")
    drawn = re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', svg)
    listed = re.findall(r'<th scope="row">([^<]*)</th>', table)
    assert drawn == listed == ["75+", "5-9", "0-4"]  # oldest on top, in both
