"""Evaluate the matrix formulas the explainer prints (`Xᵀ · δ1`, `(δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1)`,
`(A2 − y)/n`, `sum(δ1, axis=0)`, `1 if Z1 > 0 else 0`) with numpy, from the names' values.

The tests evaluate the printed text itself, independently of the rules that computed the
explanation's numbers, so a wrong formula (a missing transpose, a lost factor) fails.
"""

import re

import numpy as np

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
TOKEN = re.compile(rf"\s*(∂{NAME}/∂{NAME}|δ\d+|\d+\.\d+|\d+|{NAME}|[⊙·/+−()ᵀ²^,=>σ*\[\]:])")


def tokens(text):
    found, position = [], 0
    text = re.sub(r"(\d)·", r"\1*", text.strip())  # 2·u1: a number's multiple binds tight
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise SyntaxError(f"cannot read {text[position:]!r} in {text!r}")
        found.append(match.group(1))
        position = match.end()
    return found


class Formula:
    """A recursive-descent reader: cond < sum < product < unary < power (and a number's
    multiple, 2·u1) < postfix < atom."""

    def __init__(self, text, values):
        self.items, self.at, self.values = tokens(text), 0, values

    def peek(self):
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, expected=None):
        item = self.peek()
        if expected is not None and item != expected:
            raise SyntaxError(f"expected {expected!r}, got {item!r} in {' '.join(self.items)}")
        self.at += 1
        return item

    def value(self):
        result = self.condition()
        if self.peek() is not None:
            raise SyntaxError(f"unread {self.items[self.at:]}")
        return result

    def condition(self):
        result = self.total()
        if self.peek() == "if":
            self.take()
            left = self.total()
            self.take(">")
            right = self.total()
            self.take("else")
            other = self.total()
            return np.where(left > right, result, other)
        return result

    def total(self):
        result = self.product()
        while self.peek() in ("+", "−"):
            sign = self.take()
            right = self.product()
            result = result + right if sign == "+" else result - right
        return result

    def product(self):
        result = self.unary()
        while self.peek() in ("⊙", "·", "/"):
            operator = self.take()
            right = self.unary()
            if operator == "/":
                result = result / right
            elif operator == "·" and np.ndim(result) and np.ndim(right):
                result = np.matmul(result, right)
            else:
                result = result * right
        return result

    def unary(self):
        if self.peek() == "−":
            self.take()
            return -self.unary()
        return self.power()

    def power(self):
        base = self.postfix()
        if self.peek() == "^":
            self.take()
            return base ** self.postfix()
        if self.peek() == "*":
            self.take()
            return base * self.power()
        return base

    def postfix(self):
        result = self.atom()
        while self.peek() in ("ᵀ", "²"):
            if self.take() == "²":
                result = result * result
            elif np.ndim(result) >= 2:  # a vector's transpose is itself, as numpy's .T
                result = np.swapaxes(result, -1, -2)
        return result

    def atom(self):
        item = self.take()
        if item == "(":
            result = self.condition()
            self.take(")")
            return result
        if item == "σ":
            self.take("(")
            inner = self.condition()
            self.take(")")
            return 1 / (1 + np.exp(-inner))
        if item == "sum":
            self.take("(")
            inner = self.condition()
            axis, keepdims = None, False
            while self.peek() == ",":
                self.take()
                name = self.take()
                self.take("=")
                if name == "axis":
                    axis = self.axis()
                else:
                    keepdims = self.take() == "True"
            self.take(")")
            return np.sum(inner, axis=axis, keepdims=keepdims)
        if re.fullmatch(r"\d+(\.\d+)?", item):
            return float(item)
        if item not in self.values:
            raise KeyError(f"no value for {item!r}")
        value = np.asarray(self.values[item], dtype=float)
        if self.peek() == "[":  # a part: W2[0, :], A1[:, 1]
            self.take()
            index = []
            while self.peek() != "]":
                part = self.take()
                index.append(slice(None) if part == ":" else int(part))
                if self.peek() == ",":
                    self.take()
            self.take("]")
            value = value[tuple(index)]
        return value

    def axis(self):
        if self.peek() == "(":
            self.take()
            axes = [int(self.take())]
            while self.peek() == ",":
                self.take()
                axes.append(int(self.take()))
            self.take(")")
            return tuple(axes)
        return int(self.take())


def evaluate(text, values):
    """The value of a printed formula, given the values of the names it uses."""
    return Formula(text, values).value()
