# Runs real DVC 3.67.1 commands for the config/remote specs without paying Python's start-up
# and import time on every step: one interpreter imports `dvc.cli.main` once and then runs one
# command per request, the way DVC's own functional tests call `main([...])` in-process.
#
# stdin:  one JSON object per line {"args": [...], "cwd": "<abs>", "env": {...}}
# stdout: one JSON object per line {"code": int, "stdout": str, "stderr": str}
#
# Each command runs with its own working directory and environment, and with file descriptors
# 1 and 2 pointed at temporary files, so everything DVC, its logger and rich print is captured.
import json
import os
import sys
import tempfile

protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")

from dvc.cli import main  # noqa: E402 - imported after saving the protocol stream
from dvc.ui import ui  # noqa: E402


def run(req):
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    # a fresh process starts with the console disabled; `main` enables it unless -q is given
    ui._enabled = False
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        saved_out, saved_err = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            code = main(req["args"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
        out.seek(0)
        err.seek(0)
        return {
            "code": code,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


for line in sys.stdin:
    if line.strip():
        protocol.write(json.dumps(run(json.loads(line))) + "\n")
        protocol.flush()
