"""The text of a comparison of two parts of a tensor: what each part is in the twin's names,
each named gradient's equation on both sides with its factors (shared, equal, DIFFERENT),
the verdict, and the check against backpropagation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .comparison_text import listing
from .explanation_text import legend_lines, paragraph
from .factor import number
from .parts import NOT_FOLLOWED, SHARED, pick, selection_text

if TYPE_CHECKING:
    from .part_comparison import PartComparison, PartFactor

SHOWN_ENTRIES = 4
"""A part with more entries shows its first ones."""


def numbers(value: Any, digits: int) -> str:
    """'0.73', '[0.2612, 0.5621]', '[0.2382, 0.25, 0.2406, … (200 entries)]'."""
    array = np.asarray(value, dtype=float).reshape(-1)
    if array.size == 1 and np.ndim(value) == 0:
        return number(float(array[0]), digits)
    shown = ", ".join(number(float(x), digits) for x in array[:SHOWN_ENTRIES])
    more = f", … ({array.size} entries)" if array.size > SHOWN_ENTRIES else ""
    return f"[{shown}{more}]"


def _what(c: PartComparison) -> str:
    """'column 0 of W1 is unit 1's weights (w1, w2), column 1 is unit 2's (w3, w4)'."""
    parts = []
    for selection in (c.selection_a, c.selection_b):
        name = c.part_name(c.tensor, selection)
        description = c.layers.describe_part(c.tensor, selection)
        parts.append(f"{name} is {description}" if description else name)
    return "; ".join(parts)


def factor_lines(c: PartComparison, factor: PartFactor) -> list[str]:
    """'W2[0, :]ᵀ vs W2[1, :]ᵀ: DIFFERENT', then what the two parts are in the twin's names
    and their numbers."""
    if factor.status == SHARED:
        shape = "×".join(map(str, np.shape(factor.value_a))) or "a scalar"
        whole = factor.text_a.removesuffix("ᵀ")
        return [f"    {factor.text_a}: shared (all of {whole}, {shape}, on both sides)"]
    if factor.status == NOT_FOLLOWED:
        op = factor.nodes[0].op.name
        return [f"    {factor.text_a} vs {factor.text_b}: not followed further: they come "
                f"through {op}, whose rule mixes the entries of its operand",
                f"      {numbers(factor.value_a, c.digits)} vs "
                f"{numbers(factor.value_b, c.digits)}"]
    follow = " (followed below)" if factor.gradient else ""
    lines = [f"    {factor.text_a} vs {factor.text_b}: {factor.status}{follow}"]
    meanings = [c.layers.describe_part(factor.nodes[0], selection) if factor.nodes else None
                for selection in (factor.selection_a, factor.selection_b)]
    if all(meanings) and not factor.gradient:
        lines.append(f"      {meanings[0]} vs {meanings[1]}")
    lines.append(f"      {numbers(factor.value_a, c.digits)} vs "
                 f"{numbers(factor.value_b, c.digits)}")
    return lines


def comparison_lines(c: PartComparison) -> list[str]:
    """The whole comparison, line by line."""
    lines = legend_lines(c.matrix.chain.names.definitions)
    lines += paragraph(f"{c.name_a} vs {c.name_b}: {_what(c)}. Each part's gradient is that "
                       f"part of {c.matrix.name}; followed up the chain of the matrix form "
                       f"(see ts.explain({c.matrix.name_of(c.root)}, "
                       f"{c.matrix.name_of(c.tensor)})), factor by factor:")
    for section in c.sections:
        lines += ["", f"  {section.equation_a}", f"  {section.equation_b}"]
        lines += [line for factor in section.factors for line in factor_lines(c, factor)]
    lines += ["", *paragraph("Verdict: " + c.verdict), ""]
    wrt = c.matrix.name_of(c.tensor)
    backward = np.asarray(c.matrix.backward_grad)
    checks = [f"{wrt}.grad{selection_text(s, c.tensor.ndim)} = "
              f"{numbers(pick(backward, s), c.digits)}" for s in (c.selection_a, c.selection_b)]
    lines += paragraph(f"Check: backpropagation gives {checks[0]} and {checks[1]}.")
    return lines


def verdict(c: PartComparison) -> str:
    """Which factors make the parts' gradients differ, or why they are equal."""
    relation = "=" if np.allclose(c.total_a, c.total_b, rtol=1e-12, atol=0.0) else "≠"
    totals = f"({numbers(c.total_a, c.digits)} vs {numbers(c.total_b, c.digits)})"
    shared = list(dict.fromkeys(f.text_a for f in c.factors if f.status == SHARED))
    shared_text = f"; {listing(shared)} {'is' if len(shared) == 1 else 'are'} shared" \
        if shared else ""
    if not c.sections:
        return f"{c.name_a} = {c.name_b} = 0: {c.matrix.name_of(c.root)} does not depend on them."
    if c.stopped and not c.differing:
        stops = listing([f"{f.text_a} vs {f.text_b} (through {f.nodes[0].op.name})"
                         for f in c.stopped])
        return (f"{c.name_a} {relation} {c.name_b} {totals}: up to {stops}, whose rule mixes "
                f"entries and is not followed part by part, every factor is shared or equal"
                f"{shared_text}.")
    if c.symmetric:
        return (f"{c.name_a} = {c.name_b} {totals}: every factor is shared or equal, so the "
                f"two parts get identical gradients, hence identical updates (symmetry: "
                f"parts that start tied stay tied){shared_text}.")
    reasons = []
    for factor in c.differing:
        meanings = [c.layers.describe_part(factor.nodes[0], s) if factor.nodes else None
                    for s in (factor.selection_a, factor.selection_b)]
        why = f" ({meanings[0]} vs {meanings[1]})" if all(meanings) else ""
        reasons.append(f"{factor.text_a} vs {factor.text_b} differ{why}")
    stops = "".join(f"; {f.text_a} vs {f.text_b} come through {f.nodes[0].op.name}, not "
                    "followed part by part" for f in c.stopped)
    return (f"{c.name_a} {relation} {c.name_b} {totals} because {listing(reasons)}"
            f"{shared_text}{stops}.")
