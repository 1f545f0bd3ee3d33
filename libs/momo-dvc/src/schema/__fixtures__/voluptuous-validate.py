"""Oracle for pipeline-schema.spec.ts: validates YAML texts with DVC's own schemas.

stdin: JSON list of [kind, text] with kind "dvc.yaml" or "dvc.lock".
stdout: JSON list; each item is a list of [message, [path...], line, column] (empty when valid).
"""
import json
import sys

from voluptuous import MultipleInvalid

from dvc.schema import COMPILED_LOCKFILE_SCHEMA, COMPILED_MULTI_STAGE_SCHEMA
from dvc.utils.serialize._yaml import parse_yaml, parse_yaml_for_update
from dvc.utils.strictyaml import determine_linecol

out = []
for kind, text in json.load(sys.stdin):
    schema = COMPILED_MULTI_STAGE_SCHEMA if kind == "dvc.yaml" else COMPILED_LOCKFILE_SCHEMA
    data = parse_yaml(text, kind)
    try:
        schema(data)
        out.append([])
    except MultipleInvalid as exc:
        rt = parse_yaml_for_update(text, kind)
        errs = []
        for e in exc.errors:
            line, col, _ = determine_linecol(rt, e.path) if isinstance(rt, dict) else (None, None, 0)
            errs.append([e.error_message, [str(p) for p in e.path], line, col])
        out.append(errs)
json.dump(out, sys.stdout)
