# Oracle for the .dvcignore specs: asks the installed DVC 3.67.1 (its own DvcIgnoreFilter) the
# same questions momo answers, and prints the answers as JSON.
#
# stdin:  a JSON list of requests {"root": "<abs>", "checks": [["rel/path", true|false|null], ...],
#          "walks": ["rel/dir", ...], "ignore_subrepos": true}
# stdout: the list of answers {"checks": [{"ignored": bool, "patterns": ["<location>", ...]} | {"error": "..."}],
#          "walks": [["rel/file", ...] | {"error": "..."}]}
#
# A request {"patterns": [...], "paths": [["a/b", is_dir], ...]} checks one pattern list
# (DvcIgnorePatterns) directly, owned by a fake root, with sources "f:<line>:<pattern>".
#
# A null is_dir means "look at the disk", exactly as `dvc check-ignore` does.
import json
import os
import sys

from dvc.fs import localfs
from dvc.ignore import DvcIgnoreFilter, DvcIgnorePatterns
from dvc.pathspec_math import PatternInfo


def answer_patterns(req: dict) -> dict:
    # one pattern list owned by a fake root, as DvcIgnorePatterns sees it
    try:
        pats = DvcIgnorePatterns(
            [PatternInfo(p, f"f:{i + 1}:{p}") for i, p in enumerate(req["patterns"])], "/r", "/"
        )
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {exc}"}
    out = []
    for path, is_dir in req["paths"]:
        dirname, _, basename = ("/r/" + path).rpartition("/")
        ignored, infos = pats.matches(dirname, basename, is_dir, details=True)
        out.append({"ignored": bool(ignored), "patterns": [str(p) for p in infos]})
    return {"checks": out, "walks": []}


def answer(req: dict) -> dict:
    if "patterns" in req:
        return answer_patterns(req)
    root = req["root"]
    subrepos = req.get("ignore_subrepos", True)
    out = {"checks": [], "walks": []}
    try:
        flt = DvcIgnoreFilter(localfs, root)
    except Exception as exc:  # noqa: BLE001 - the error text is the answer
        return {"error": f"{type(exc).__name__}: {exc}"}
    for rel, is_dir in req.get("checks", []):
        full = os.path.join(root, rel)
        try:
            if is_dir is None:
                res = flt.check_ignore(full)
                out["checks"].append(
                    {"ignored": bool(res.match), "patterns": [str(p) for p in res.pattern_infos]}
                )
                continue
            dirname, basename = os.path.split(os.path.normpath(full))
            pattern = flt._get_trie_pattern(dirname, None, subrepos)
            if pattern:
                ignored, infos = pattern.matches(dirname, basename, is_dir, details=True)
            else:
                ignored, infos = False, []
            out["checks"].append({"ignored": bool(ignored), "patterns": [str(p) for p in infos]})
        except Exception as exc:  # noqa: BLE001
            out["checks"].append({"error": f"{type(exc).__name__}: {exc}"})
    for rel in req.get("walks", []):
        top = os.path.normpath(os.path.join(root, rel))
        try:
            files = [
                os.path.relpath(p, root).replace(os.sep, "/")
                for p in flt.find(localfs, top, ignore_subrepos=subrepos)
            ]
            out["walks"].append(sorted(files))
        except Exception as exc:  # noqa: BLE001
            out["walks"].append({"error": f"{type(exc).__name__}: {exc}"})
    return out


print(json.dumps([answer(req) for req in json.load(sys.stdin)]))
