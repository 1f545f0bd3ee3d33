"""Oracle for pipeline.spec.ts: resolves dvc.yaml files with DVC's own DataResolver.

stdin: JSON list of cases {"files": {relpath: text}, "config": {"bool": ..., "list": ...}}.
Each case is written into one scratch DVC repo (no SCM) that is reused between cases.
stdout: JSON list of {"names": [...], "stages": [[name, encoded definition], ...],
"warnings": [...], "error": "<message>" | null}; resolution stops at the first error.
Encoding of values as in ruamel-load.py (typed).
"""
import datetime
import json
import logging
import os
import shutil
import sys
import tempfile


def enc(v):
    if isinstance(v, bool):
        return {"bool": v}
    if v is None:
        return {"null": None}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {"date": str(v)}
    if isinstance(v, (list, tuple)):
        return {"list": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"map": [[enc(k), enc(x)] for k, x in v.items()]}
    return {"other": repr(v)}


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# DVC prints "Initialized DVC repository" etc.: keep fd 1 for the JSON answer only
real_stdout = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)


def main():
    from dvc.repo import Repo
    from dvc.dvcfile import ProjectFile

    cases = json.load(sys.stdin)
    out = []
    root = tempfile.mkdtemp()
    try:
        Repo.init(root, no_scm=True)
        os.chdir(root)
        handler = Collect()
        logging.getLogger("dvc").addHandler(handler)
        for case in cases:
            for name in os.listdir(root):
                if name != ".dvc":
                    p = os.path.join(root, name)
                    shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
            for rel, text in case["files"].items():
                p = os.path.join(root, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text)
            with open(os.path.join(root, ".dvc", "config"), "w") as f:
                f.write("[core]\n    no_scm = True\n")
                cfg = case.get("config") or {}
                if cfg:
                    f.write("[parsing]\n" + "".join(f"    {k} = {v}\n" for k, v in cfg.items()))
            handler.messages = []
            res = {"names": [], "stages": [], "warnings": [], "error": None}
            try:
                repo = Repo(root)
                pf = ProjectFile(repo, case.get("file", "dvc.yaml"))
                resolver = pf.resolver
                res["names"] = list(resolver.get_keys())
                for n in res["names"]:
                    data = resolver.resolve_one(n)
                    res["stages"].append([n, enc(data[n])])
            except Exception as e:  # the message is what the spec compares
                res["error"] = str(e)
            res["warnings"] = list(handler.messages)
            out.append(res)
    finally:
        os.chdir("/")
        shutil.rmtree(root, ignore_errors=True)
    json.dump(out, real_stdout)


main()
