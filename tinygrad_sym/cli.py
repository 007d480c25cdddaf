"""The `tinygrad-sym` command: run a story end to end, or explain a weight's gradient.

    tinygrad-sym demo coffee            # train, print, write out/coffee/*.png
    tinygrad-sym demo coffee symmetry   # or: demo all
    tinygrad-sym explain --weights w1 w3
    tinygrad-sym explain --weights w1 w3 --ascii   # plain ASCII: numbers paste into Python
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .stories import STORIES
from .stories.demo_net import NETS, explain_cli
from .version import __version__

ASCII = str.maketrans({
    "−": "-", "∂": "d", "→": "->", "·": "*", "×": "*", "÷": "/", "≠": "!=", "≈": "~",
    "≤": "<=", "≥": ">=", "…": "...", "Σ": "sum", "σ": "sigmoid", "²": "^2", "√": "sqrt",
    "ε": "eps", "‖": "||",
})
"""The explainer's typography in plain ASCII: −0.03531 → -0.03531, ∂J/∂w1 → dJ/dw1."""


def ascii_text(text: str) -> str:
    """`text` with the explainer's symbols spelled in ASCII, so numbers paste into Python."""
    return text.translate(ASCII)


def _story(name: str) -> str:
    """A story's name as typed: zero_init (the example's file name) means zero-init."""
    return name.replace("_", "-")


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command line's parser, and its `explain` subcommand's (for its own errors)."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-sym",
        description="See backpropagation: stories of the course's small nets, drawn and explained.",
    )
    parser.add_argument("--version", action="version", version=f"tinygrad-sym {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run a story end to end and write its figures")
    demo.add_argument("names", nargs="+", type=_story, choices=[*STORIES, "all"], metavar="name",
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
    explain.add_argument("--max-paths", type=_positive, default=8, metavar="N",
                         help="above N paths, group them by node (default: 8)")
    explain.add_argument("--ascii", action="store_true",
                         help="plain ASCII (- for −, d for ∂, -> for →): numbers paste into Python")
    explain.add_argument("stray", nargs="*", help=argparse.SUPPRESS)
    return parser, explain


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser, explain_parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "explain":
        if args.stray:
            explain_parser.error(f"name the weights after --weights: tinygrad-sym explain "
                                 f"--weights {' '.join(args.stray)}")
        try:
            text = explain_cli(args.net, args.weights, max_paths=args.max_paths)
        except ValueError as error:
            print(f"tinygrad-sym explain: {error}", file=sys.stderr)
            return 2
        print(ascii_text(text) if args.ascii else text)
        return 0
    names = list(STORIES) if "all" in args.names else list(dict.fromkeys(args.names))
    for name in names:
        print(f"\n=== {name} ===\n")
        out_dir = None if args.no_plots else args.out / name
        STORIES[name](out_dir=out_dir, plots=not args.no_plots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
