"""The `tinygrad-sym` command: run a story end to end, or explain a weight's gradient.

    tinygrad-sym demo coffee            # train, print, write out/coffee/*.png
    tinygrad-sym demo coffee symmetry   # or: demo all
    tinygrad-sym explain --weights w1 w3
    tinygrad-sym explain --weights w1 w3 --ascii   # plain ASCII: numbers paste into Python
    tinygrad-sym explore                # the same net as a page: explore.html
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .explorer import explore
from .stories import STORIES
from .stories.demo_net import NETS, demo_net, explain_cli
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
    page = commands.add_parser(
        "explore", help="write the 2→2→1 demo net as a page to hover, click and step through"
    )
    page.add_argument("--net", choices=list(NETS), default="2-2-1",
                      help="the demo net (the tied one starts its hidden units equal)")
    page.add_argument("--weights", nargs="*", default=[], metavar="NAME",
                      help="up to two weights selected when the page opens")
    page.add_argument("--out", type=Path, default=Path("explore.html"),
                      help="the page's file (default: ./explore.html)")
    return parser, explain


def explore_cli(net: str, weights: Sequence[str], out: Path) -> Path:
    """Write the demo net's explorer page; returns its path."""
    nodes = demo_net(net)
    unknown = [name for name in weights if name not in nodes]
    if unknown:
        raise ValueError(f"no node named {', '.join(unknown)} in the {net} net; choose "
                         f"among {', '.join(n for n in nodes if n != 'J')}")
    return explore(nodes["J"], highlight=[nodes[name] for name in weights],
                   title=f"The {net} net: J and its gradients").save(out)


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
    if args.command == "explore":
        try:
            path = explore_cli(args.net, args.weights, args.out)
        except ValueError as error:
            print(f"tinygrad-sym explore: {error}", file=sys.stderr)
            return 2
        print(f"wrote {path}: open it in a browser ({path.resolve().as_uri()}); it needs "
              "no server and no network")
        return 0
    names = list(STORIES) if "all" in args.names else list(dict.fromkeys(args.names))
    for name in names:
        print(f"\n=== {name} ===\n")
        out_dir = None if args.no_plots else args.out / name
        STORIES[name](out_dir=out_dir, plots=not args.no_plots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
