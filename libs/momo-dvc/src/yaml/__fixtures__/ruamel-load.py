"""Oracle for parse.spec.ts: loads each YAML text of a JSON list with DVC's own loader.

Writes a JSON list; each loaded value is encoded with its Python type:
{"str": s} {"int": "17"} {"float": repr} {"bool": b} {"null": null} {"date": isoformat}
{"list": [...]} {"map": [[k, v], ...]}; a text DVC cannot load becomes {"error": "..."}.
"""
import datetime
import json
import sys

from dvc.utils.serialize._yaml import parse_yaml


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
    if isinstance(v, list):
        return {"list": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"map": [[enc(k), enc(x)] for k, x in v.items()]}
    return {"other": repr(v)}


out = []
for text in json.load(sys.stdin):
    try:
        out.append(enc(parse_yaml(text, "x")))
    except Exception as e:  # reported per document so one failure does not hide the others
        out.append({"error": type(e).__name__})
json.dump(out, sys.stdout)
