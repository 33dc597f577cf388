"""GB/T 2260 arithmetic is written once, in core.regioncodes (offered as Region's static methods):
no other module under src/ slices a region code, pads it with "00" or tests it for "15"."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "steppe"
HOME = SRC / "core" / "regioncodes.py"

PATTERNS = {
    "slices a code ([:2], [:4])": re.compile(r"(code|region)\w*[\]\)\"']*\[\s*:\s*[246]\s*\]", re.I),
    'pads a code with "00"': re.compile(r"""\+\s*["']0{2,4}["']"""),
    'tests a code for trailing "00"': re.compile(r"""endswith\(\s*["']0{2,4}["']"""),
    'tests a code for "15"': re.compile(r"""startswith\s*(\(|=)\s*["']15"""),
    'compares a prefix with "15"': re.compile(r"""[!=]=\s*["']15["']"""),
}


def findings(text: str, name: str) -> list[str]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for what, pattern in PATTERNS.items():
            if pattern.search(code):
                out.append(f"{name}:{n}: {what}: {line.strip()}")
    return out


def test_region_code_arithmetic_lives_only_in_core_regioncodes():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == HOME or "migrations" in path.parts:
            continue
        found += findings(path.read_text(), str(path.relative_to(SRC)))
    assert found == []


def test_the_check_sees_each_kind_of_arithmetic():
    for line in (
        'league = s.region.code[:4] + "00"',
        "prefix = user.region.code[:4]",
        "if region.code[:2] != '15':",
        'if not code.startswith("15"):',
        'qs.filter(region__code__startswith="15")',
        'return code if code.endswith("0000") else x',
        'key = row["region__code"][:4]',
    ):
        assert findings(line, "x.py"), line
    assert findings('fmt = "xlsx" if data[:2] == b"PK" else "csv"', "x.py") == []
    assert findings("year = int(tsme[:4])", "x.py") == []
    assert HOME.exists() and findings(HOME.read_text(), "regioncodes.py")
