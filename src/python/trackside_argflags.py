"""Prints, as JSON, the argparse flags a Python script declares: read from its source with
the ast module, never by running it. Only literal defaults are given (others are null)."""

import ast
import json
import sys


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


def script_flags(source):
    flags = []
    seen = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument"):
            continue
        names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        flag = next((n for n in names if n.startswith("--")), None)
        if flag is None or flag in seen:
            continue
        seen.add(flag)
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        kind = kw.get("type")
        flags.append(
            {
                "flag": flag,
                "default": _literal(kw["default"]) if "default" in kw else None,
                "type": kind.id if isinstance(kind, ast.Name) else None,
                "action": _literal(kw["action"]) if "action" in kw else None,
                "help": _literal(kw["help"]) if "help" in kw else None,
            }
        )
    return flags


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        source = f.read()
    try:
        flags = script_flags(source)
    except SyntaxError as e:
        print(json.dumps({"error": "line %s: %s" % (e.lineno, e.msg)}))
        return
    print(json.dumps({"flags": flags}, default=str))


if __name__ == "__main__":
    main()
