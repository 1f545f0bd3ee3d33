"""Oracle for dump.spec.ts: dumps each document of a JSON list with DVC's own YAML dumper.

Reads a JSON list from stdin. Encoded specials: {"__float__": "1.0"} is a Python float,
{"__map__": [[k, v], ...]} a dict with arbitrary keys, {"__date__": "2020-01-02"} a date,
{"__int__": "123"} a big int.
Writes a JSON list of dumped strings (or {"error": "..."}) to stdout.
"""
import datetime
import json
import sys

from dvc.utils.serialize._yaml import dumps_yaml


def decode(v):
    if isinstance(v, dict):
        if "__float__" in v:
            return float(v["__float__"])
        if "__int__" in v:
            return int(v["__int__"])
        if "__date__" in v:
            return datetime.date.fromisoformat(v["__date__"])
        if "__map__" in v:
            return {decode(k): decode(x) for k, x in v["__map__"]}
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


out = []
for doc in json.load(sys.stdin):
    try:
        out.append(dumps_yaml(decode(doc)))
    except Exception as e:  # reported per document so one failure does not hide the others
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
