"""Oracle for params.spec.ts: reads params files with DVC's own loaders and key lookup.

stdin: JSON list of [file name, text, keys or null]. Each file is written into a temp dir and read
with dvc.dependency.param.read_param_file(flatten=True), as a stage's params dependency does.
stdout: JSON list of typed encodings (see ruamel-load.py in src/yaml/__fixtures__) or
{"error": "<exception type>"}.
"""
import datetime
import json
import os
import sys
import tempfile

from dvc.dependency.param import read_param_file
from dvc.fs import LocalFileSystem


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
    if isinstance(v, datetime.datetime):
        return {"date": v.isoformat(" ")}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    if isinstance(v, (list, tuple)):
        return {"list": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"map": [[enc(k), enc(x)] for k, x in v.items()]}
    return {"other": repr(v)}


fs = LocalFileSystem()
out = []
with tempfile.TemporaryDirectory() as tmp:
    for i, (name, text, keys) in enumerate(json.load(sys.stdin)):
        d = os.path.join(tmp, str(i))
        os.makedirs(d)
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            out.append(enc(read_param_file(fs, path, keys, flatten=True)))
        except Exception as e:  # reported per file so one failure does not hide the others
            out.append({"error": type(e).__name__})
json.dump(out, sys.stdout)
