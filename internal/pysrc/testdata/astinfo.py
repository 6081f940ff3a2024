"""Reference for the Go reader: what flit_core's AST pass sees in each file.

Prints JSON {path: {"error": bool, "line": N, "doc": str, "version": ...}}.
"""
import ast
import json
import sys
import warnings

warnings.simplefilter("ignore")


def info(path):
    try:
        with open(path, "rb") as f:
            node = ast.parse(f.read())
    except SyntaxError as e:
        return {"error": True, "line": e.lineno or 0, "msg": str(e)}
    except ValueError as e:
        return {"error": True, "line": 0, "msg": str(e)}
    res = {"error": False}
    for child in node.body:
        if isinstance(child, (ast.Assign, ast.AnnAssign)) and isinstance(child.value, ast.Constant):
            targets = (child.target,) if isinstance(child, ast.AnnAssign) else child.targets
            if any(isinstance(t, ast.Name) and t.id == "__version__" for t in targets):
                v = child.value.value
                res["version"] = v if isinstance(v, str) else repr(v)
                res["kind"] = type(v).__name__
                res["truthy"] = bool(v)
                break
    doc = ast.get_docstring(node)
    if doc is not None:
        res["doc"] = doc
    return res


json.dump({p: info(p) for p in sys.argv[1:]}, sys.stdout)
