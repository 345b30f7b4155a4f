"""Hostile SVG logos are made inert before they reach any output."""

from __future__ import annotations

import pytest

from handbook.sanitize import UnsafeSvg, clean_svg

HOSTILE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 10 10" onload="alert(1)">
  <script>alert(2)</script>
  <style>@import url(https://evil.example/x.css); rect { fill: url(https://evil.example/p) }</style>
  <rect width="10" height="10" fill="#0b5fa5" onclick="alert(3)"/>
  <image xlink:href="https://evil.example/track.png" width="1" height="1"/>
  <use href="#r"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <text>&xxe;</text>
</svg>"""


def test_hostile_svg_is_inert():
    cleaned = clean_svg(HOSTILE).decode()
    for needle in ("script", "onload", "onclick", "alert", "evil.example", "foreignObject",
                   "@import", "passwd", "root:"):
        assert needle not in cleaned
    assert 'fill="#0b5fa5"' in cleaned
    assert 'href="#r"' in cleaned


@pytest.mark.parametrize("data", [b"not xml", b"<html><body/></html>"])
def test_non_svg_refused(data):
    with pytest.raises(UnsafeSvg):
        clean_svg(data)
