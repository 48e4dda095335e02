"""XML files with a BOM or whitespace before the declaration import (issue 13)."""

from __future__ import annotations

import pytest

from deliberun.io import read_bytes
from deliberun.io.xmlsafe import strip_prolog

PREFIXES = [b"\n   \t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n  ", b"\r\n"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_strip_prolog_drops_bom_and_blanks(prefix):
    doc = b'<?xml version="1.0"?>\n<a/>'
    assert strip_prolog(prefix + doc) == doc


def test_strip_prolog_keeps_utf16_and_clean_files():
    clean = b'<?xml version="1.0"?><a/>'
    assert strip_prolog(clean) is clean
    utf16 = b"\xff\xfe" + "<a/>".encode("utf-16-le")
    assert strip_prolog(utf16) == utf16


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    "name", ["tcx/heartandsole__testdata.tcx", "gpx/heartandsole__testdata.gpx"]
)
def test_real_xml_with_leading_whitespace_imports(real_dir, name, prefix):
    data = (real_dir / name).read_bytes()
    plain = read_bytes(data, name)
    shifted = read_bytes(prefix + data, name)  # was: "XML or text declaration not at start"
    assert shifted.n_samples == plain.n_samples > 0
    assert shifted.start_time == plain.start_time
