"""Run one code block of the README as a script, statement by statement, in this fresh
interpreter; write what each statement printed (and, for a bare expression, its repr) as
JSON to the file named on the command line. The code comes on standard input.

    python tests/run_block.py result.json 23 < block.py    (23: the README line it starts on)

Used by tests/test_readme.py, so that a block's `# −0.03531 0.02518` comment can be
checked against what its own statement printed.
"""

import ast
import contextlib
import io
import json
import sys


def main(result_path: str, first_line: int) -> None:
    """Execute the block from stdin; record [{"first", "last", "printed", "value"}, ...],
    with README line numbers (tracebacks name them too)."""
    source = sys.stdin.read()
    tree = ast.increment_lineno(ast.parse(source, "README.md"), first_line - 1)
    namespace = {"__name__": "__main__"}
    statements = []
    for statement in tree.body:
        printed = io.StringIO()
        value = None
        with contextlib.redirect_stdout(printed):
            if isinstance(statement, ast.Expr):
                code = compile(ast.Expression(statement.value), "README.md", "eval")
                result = eval(code, namespace)
                value = None if result is None else repr(result)
            else:
                exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)
        sys.stdout.write(printed.getvalue())
        statements.append({"first": statement.lineno, "last": statement.end_lineno,
                           "printed": printed.getvalue(), "value": value})
    with open(result_path, "w", encoding="utf-8") as file:
        json.dump(statements, file)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
