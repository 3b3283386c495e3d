"""The README's quick start, run as it is written (only the base URL is the test platform's)."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quick_start() -> str:
    section = README.read_text().split("## Quick start", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_when_the_readme_quick_start_runs_then_it_pays_and_finds_no_stranger_order(base_url, capsys):
    code = quick_start().replace("http://localhost:8080", base_url)
    scope: dict = {}
    exec(compile(code, str(README), "exec"), scope)
    assert len(scope["books"]) > 20, "more than one page of books"
    assert scope["paid"].order.status.value == "paid"
    assert [r.kind.value for r in scope["receipts"]] == ["sale"]
    assert capsys.readouterr().out.strip() == "404 not_found"
