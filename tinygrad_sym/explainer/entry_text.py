"""The text of an entry explanation: which scalar weight the entry is, the entry as a sum
over the examples (a table, with the twin's per-example terms), one example's paths in the
twin's names, and the check against backpropagation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .explanation_text import SHOWN_TERMS, factor_lines, legend_lines, more_terms, paragraph
from .factor import number

if TYPE_CHECKING:
    from .entry import EntryExplanation
    from .entry_paths import EntryPath


def _index(index: tuple[int, ...]) -> str:
    """'0, 1' for the index (0, 1)."""
    return ", ".join(map(str, index))


def identity_text(e: EntryExplanation) -> list[str]:
    """What the entry is: the twin's w3, unit 2's weight on x1."""
    wrt = e.matrix.name_of(e.wrt)
    text = f"{e.name} is one entry of {e.matrix.name}"
    if e.scalar_name is None:
        why = f" ({e.layers.problem})" if e.layers.problem else ""
        return paragraph(f"{text}. It has no name in a scalar twin: the explainer reads "
                         f"the course's numbering off a chain of layers Z = A·W + b, A = f(Z), "
                         f"and {wrt} is not a weight matrix or bias of one{why}.")
    role = e.layers.role(e.wrt, e.entry)
    rule = (f"{wrt}[i, j] is unit j's weight on input i" if e.wrt.ndim == 2
            else f"{wrt}[j] is unit j's bias")
    return paragraph(f"{text}, and it is the scalar twin's ∂{e.matrix.name_of(e.root)}/∂"
                     f"{e.scalar_name}: {rule} (counted from 0 here), so {wrt}[{_index(e.entry)}] "
                     f"is {role}, which the course's numbering (and model.to_scalar()) calls "
                     f"{e.scalar_name}.")


def sum_lines(e: EntryExplanation) -> list[str]:
    """The entry as the matrix form's sum over the examples, and the table of summands."""
    folded = e.matrix.form.folded[0]
    where = f"In matrix form {e.matrix.name} = {folded.right}"
    if not e.shares:
        return paragraph(f"{where}; its entry [{_index(e.entry)}] is "
                         f"{number(e.total, e.digits)}.")
    n = len(e.shares)
    if len(e.columns) == 2:
        inputs = e.columns[0].split("[")[0]
        gradient = e.columns[1].split("[")[0]
        i, j = e.entry
        how = (f"so its entry [{i}, {j}] is row {i} of {inputs}ᵀ times column {j} of "
               f"{gradient}: a sum over the n = {n} examples (k = 0 … {n - 1})")
        formula = f"Σₖ {e.columns[0]} · {e.columns[1]}"
    else:
        how = f"so its entry [{e.entry[0]}] sums a column over the n = {n} examples"
        formula = f"Σₖ {e.columns[0]}"
    lines = [*paragraph(f"{where}, {how}:"), "",
             f"  {e.name} = {formula} = {number(e.total, e.digits)}", ""]
    twin = e.scalar_name is not None and e.weight is not None
    header = ["k", *e.columns, "product"] + (["the twin's term"] if twin else [])
    rows = []
    for share in e.shares[:SHOWN_TERMS]:
        row = [str(share.example), *(number(f, e.digits) for f in share.factors),
               number(share.value, e.digits)]
        if twin:
            loss = f"L{share.example + 1}"
            row.append(f"{loss}: {number(e.weight, e.digits)} · ∂{loss}/∂{e.scalar_name} = "
                       f"{number(e.weight, e.digits)} · "
                       f"{_operand(share.value / e.weight, e.digits)}")
        rows.append(row)
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        lines.append("  " + "   ".join(f"{cell:<{w}}" for cell, w in zip(row, widths,
                                                                          strict=True)).rstrip())
    if n > SHOWN_TERMS:
        lines.append(more_terms(n - SHOWN_TERMS))
    return lines


def _operand(value: float, digits: int) -> str:
    """A number for a product, in parentheses when negative: (−0.088)."""
    text = number(value, digits)
    return f"({text})" if value < 0 else text


def twin_lines(e: EntryExplanation) -> list[str]:
    """Why the summands are the twin's numbers, and one example traced through its paths."""
    if e.scalar_name is None:
        return _traced(e, "")
    root = e.matrix.name_of(e.root)
    if e.weight is not None:
        why = (f"In the scalar twin (J = nn.cost(model.to_scalar(), X, y): {root} = "
               f"mean(L1, …, Ln), one loss per example) each example adds "
               f"{number(e.weight, e.digits)} · ∂Lk/∂{e.scalar_name} to ∂{root}/∂"
               f"{e.scalar_name}: the summands above, the numbers the twin's explanation "
               f"ts.explain({root}, {e.scalar_name}) lists example by example.")
    else:
        why = (f"In the scalar twin each example adds its own term to ∂{root}/∂"
               f"{e.scalar_name}: the summands above.")
    return paragraph(why) + _traced(e, e.scalar_name)


def _traced(e: EntryExplanation, scalar: str) -> list[str]:
    """The detailed example's paths, entry by entry, or why they are not shown."""
    if e.untraced or e.detail is None:
        reason = e.untraced or "the entry is not a sum over examples"
        return ["", *paragraph(f"(The paths through one example are not traced here: "
                               f"{reason}.)")]
    paths = e.paths
    root = e.matrix.name_of(e.root)
    target = scalar or e.entry_name(e.wrt, e.entry)
    what = "one path leads" if len(paths) == 1 else f"{len(paths)} paths lead"
    lines = ["", *paragraph(f"Example {e.detail + 1} (k = {e.detail}), through its own "
                            f"entries: {what} from {root} down to {target}, each a product of "
                            "local derivatives from the op table:")]
    for number_, path in enumerate(paths, 1):
        lines += ["", *_path_lines(e, path, number_ if len(paths) > 1 else 0)]
    total = sum(path.product for path in paths)
    share = e.shares[e.detail]
    parts = " · ".join(f"{column.replace('[k', f'[{e.detail}')}" for column in e.columns)
    lines += ["", *paragraph(f"Together {number(total, e.digits)} = {parts}, the summand of "
                             f"example {e.detail + 1} above ({number(share.value, e.digits)})."
                             )]
    return lines


def _path_lines(e: EntryExplanation, path: EntryPath, number_: int) -> list[str]:
    """A route in the twin's names and in entries, its factors, its product."""
    factors = tuple(f for f in path.factors
                    if not (f.child_name == f.parent_name and f.formula == "1"))
    names = [e.entry_name(*path.entries[0]), *(f.parent_name for f in factors)]
    entries = " → ".join(
        e.matrix.name_of(node) if not index else
        f"{e.matrix.name_of(node)}[{_index(index)}]" for node, index in path.entries)
    heading = f"Path {number_}: " if number_ else ""
    product = " · ".join(_operand(f.value, e.digits) for f in factors)
    return [f"  {heading}{' → '.join(names)}",
            f"  (entries {entries})",
            *factor_lines(factors, e.digits, "    "),
            f"    product = {product} = {number(path.product, e.digits)}"]


def entry_derivation(e: EntryExplanation) -> list[str]:
    """The whole entry explanation, line by line."""
    lines = [*legend_lines(e.matrix.chain.names.definitions), *identity_text(e), ""]
    lines += [*sum_lines(e), "", *twin_lines(e), ""]
    wrt = e.matrix.name_of(e.wrt)
    backward = number(e.backward_grad, e.digits)
    where = f"backpropagation gives {wrt}.grad[{_index(e.entry)}] = {backward}"
    if e.agrees:
        lines += paragraph(f"Check: {where}, the same number.")
    else:
        lines += paragraph(f"Check FAILED: {where}, but the sum is {number(e.total, e.digits)}.")
    return lines
