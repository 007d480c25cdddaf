"""The `tinygrad-sym` command: run a story end to end, or explain a weight's gradient.

    tinygrad-sym demo coffee            # train, print, write out/coffee/*.png
    tinygrad-sym demo coffee symmetry   # or: demo all
    tinygrad-sym explain --weights w1 w3
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .stories import STORIES
from .stories.demo_net import NETS, explain_cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinygrad-sym",
        description="See backpropagation: stories of the course's small nets, drawn and explained.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run a story end to end and write its figures")
    demo.add_argument("names", nargs="+", choices=[*STORIES, "all"], metavar="name",
                      help=f"one or more of: {', '.join(STORIES)}, or all")
    demo.add_argument("--out", type=Path, default=Path("out"),
                      help="folder for the figures (default: ./out, one subfolder per story)")
    demo.add_argument("--no-plots", action="store_true", help="print only, write no figures")
    explain = commands.add_parser(
        "explain", help="derive ∂J/∂w on the 2→2→1 demo net, and compare weights"
    )
    explain.add_argument("--net", choices=list(NETS), default="2-2-1",
                         help="the demo net (the tied one starts its hidden units equal)")
    explain.add_argument("--weights", nargs="+", default=["w1", "w3"], metavar="NAME",
                         help="one weight to derive, or several to compare with the first")
    explain.add_argument("--max-paths", type=int, default=8,
                         help="above this many paths, group them by node")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "explain":
        try:
            print(explain_cli(args.net, args.weights, max_paths=args.max_paths))
        except ValueError as error:
            print(f"tinygrad-sym explain: {error}", file=sys.stderr)
            return 2
        return 0
    names = list(STORIES) if "all" in args.names else args.names
    for name in names:
        print(f"\n=== {name} ===\n")
        out_dir = None if args.no_plots else args.out / name
        STORIES[name](out_dir=out_dir, plots=not args.no_plots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
