"""The exceptions tinygrad_sym raises: each one says what went wrong and how to fix it."""


class ShapeError(ValueError):
    """An op got operands whose shapes do not fit together (broadcasting, matmul, reshape...)."""


class AnomalyError(FloatingPointError):
    """Under `detect_anomaly()`, an op produced NaN or infinity (forward or backward)."""


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central finite differences."""


class StaleGraphError(RuntimeError):
    """A graph was used after one of its Values changed (an optimizer step, load_state_dict,
    an assignment to `.data`): its forward values are out of date; re-run the forward pass."""


class ModelFileError(ValueError):
    """A file given to `nn.load` / `model.load` is not a model written by `model.save`."""
