"""Turns matplotlib's SVG output into a small, named element to inline in the report.

matplotlib writes coordinates at six decimals, an id on every group, the whole font fallback list on every
text and indentation everywhere; a page of 70 plots weighed 2.7 MB that way. Here the coordinates are
rounded to a tenth of a point (a figure is about 330 points wide, so a tenth is below a screen pixel), ids
nothing refers to are dropped, the ones kept are prefixed so that many figures can share a page, and the
element gets a title and a description (what a screen reader announces; `aria-labelledby` names them).
References use SVG 2's plain `href`, which every current browser reads.
"""
from __future__ import annotations

import html
import re

NUMBER = re.compile(r"-?\d+\.\d+")
NUMBER_ATTRIBUTES = re.compile(r'\b(d|x|y|x1|x2|y1|y2|width|height|transform|points|viewBox)="([^"]*)"')
NUMBER_STYLE = re.compile(r"(stroke-width|stroke-dasharray|stroke-dashoffset|font-size):\s*([^;\"]+)")
ID = re.compile(r'\sid="([^"]+)"')
REFERENCE = re.compile(r'(?:url\(#|href="#)([^)"]+)')
PATH_DATA = re.compile(r' d="([^"]*)"')
STYLE = re.compile(r' style="([^"]*)"')
DEFINED_STYLE = re.compile(r'<path id="([^"]+)" d="[^"]*" style="([^"]*)"/>')
GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")
USE_ONE = r'<use xlink:href="#([^"]+)"((?: [xy]="[^"]*")*) style="([^"]*)"/>'
USE = re.compile(USE_ONE)
USE_RUN = re.compile(rf'{USE_ONE}(?:<use xlink:href="#\1"(?: [xy]="[^"]*")* style="\3"/>)+')


def _rounded(text: str) -> str:
    """Every decimal number in `text` to one decimal place, trailing zeros dropped (12.50 -> 12.5, 3.0 -> 3)."""
    def one(match):
        value = f"{float(match.group()):.1f}".rstrip("0").rstrip(".")
        return "0" if value == "-0" else value
    return NUMBER.sub(one, text)


def compact(svg: str) -> str:
    """The same drawing in fewer bytes: no prolog, metadata or indentation, rounded numbers, no unused ids."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # The page's stylesheet sets the line joins and caps of every plot once (report.css).
    svg = re.sub(r"<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>", "", svg)
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"\s*\n\s*", " ", svg)
    svg = NUMBER_ATTRIBUTES.sub(lambda m: f'{m.group(1)}="{_rounded(m.group(2))}"', svg)
    svg = NUMBER_STYLE.sub(lambda m: f"{m.group(1)}: {_rounded(m.group(2))}", svg)
    svg = PATH_DATA.sub(lambda m: ' d="' + re.sub(r"\s*([A-Za-z])\s*", r"\1", m.group(1)).strip() + '"', svg)
    svg = STYLE.sub(lambda m: ' style="' + re.sub(r"([:;])\s+", r"\1", m.group(1)).strip() + '"', svg)
    referenced = set(REFERENCE.findall(svg))
    svg = ID.sub(lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    svg = svg.replace("font-family:'DejaVu Sans';", "").replace(";font-family:'DejaVu Sans'", "")
    return _grouped_uses(_without_bare_groups(_without_repeated_styles(svg))).replace("xlink:href=", "href=").replace(
        ' xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def _without_repeated_styles(svg: str) -> str:
    """A `<use>` whose style repeats its marker's own (tick marks: the same stroke on the mark and on each use)
    draws the same without it: the referenced element's style wins over what the use passes down."""
    own = dict(DEFINED_STYLE.findall(svg))

    def one(match):
        href, at, style = match.groups()
        return f'<use xlink:href="#{href}"{at}/>' if own.get(href) == style else match.group()
    return USE.sub(one, svg)


def _without_bare_groups(svg: str) -> str:
    """Drop every `<g>` without attributes and its closing tag: such a group changes nothing drawn."""
    bare: list[bool] = []

    def one(match):
        tag = match.group()
        if tag == "</g>":
            return "" if bare.pop() else tag
        bare.append(tag == "<g>")
        return "" if tag == "<g>" else tag
    return GROUP_TAG.sub(one, svg)


def _grouped_uses(svg: str) -> str:
    """Markers as matplotlib writes them, one `<use>` per point each with the same style, become one group
    carrying the style once (the points inherit it)."""
    def group(match):
        uses = USE.findall(match.group())
        style = uses[0][2]
        return f'<g style="{style}">' + "".join(f'<use xlink:href="#{href}"{at}/>' for href, at, _ in uses) + "</g>"
    return USE_RUN.sub(group, svg)


def named(svg: str, salt: str, title: str, description: str) -> str:
    """Rename the ids `salt` + a short count (`salt` unique on the page) and give the element its title and
    description."""
    short = {name: f"{salt}{index}" for index, name in enumerate(dict.fromkeys(ID.findall(svg)))}
    svg = ID.sub(lambda m: f' id="{short[m.group(1)]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{short.get(m.group(1), m.group(1))})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{short.get(m.group(1), m.group(1))}"', svg)
    opening = re.match(r"<svg\b[^>]*>", svg)
    head = opening.group().replace(
        "<svg ", f'<svg role="img" class="plot" aria-labelledby="{salt}t {salt}d" ', 1)
    return (f'{head}<title id="{salt}t">{html.escape(title)}</title>'
            f'<desc id="{salt}d">{html.escape(description)}</desc>{svg[opening.end():]}')
