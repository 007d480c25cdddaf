"""The README's "When things go wrong" example runs in a fresh process and prints what the
README shows (versions start at 0 in a fresh process)."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_stale_graph_example_prints_what_the_readme_shows():
    section = README.read_text(encoding="utf-8").split("## When things go wrong", 1)[1]
    code, shown = re.search(r"```python\n(.*?)```\n\n```\n(.*?)```", section, re.S).groups()
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
    assert printed == shown
