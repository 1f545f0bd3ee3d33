# Oracle for the config specs: asks the configobj and DVC installed next to DVC 3.67.1 the same
# questions momo answers, and prints the answers as JSON. Nothing here is shipped with momo.
#
# stdin: {"parse": [text, ...],            configobj parse + dict() of a file holding `text`
#         "quote": [[value, multiline], ...], configobj ConfigObj._quote
#         "write": [tree, ...],             configobj ConfigObj(dict).write()
#         "load": [{"dvc_dir": abs, "global_dir": abs, "system_dir": abs}, ...]}
#                                           DVC Config(dvc_dir) load + validate of the files there
#         "remote": [{...load request..., "name": str|null, "command": str}, ...]}
#                                           DVC get_remote / get_cloud_fs: protocol and path
# Trees are tagged so order survives JSON: {"s": [[key, node], ...]} is a section, {"v": value}
# a scalar (string, list of strings, bool or int).
import io
import json
import os
import sys
import tempfile


def tag(node):
    if isinstance(node, dict):
        return {"s": [[k, tag(v)] for k, v in node.items()]}
    if isinstance(node, (list, tuple)):
        return {"v": [str(x) if not isinstance(x, (bool, int, float)) else x for x in node]}
    if isinstance(node, (bool, int, float)) or node is None:
        return {"v": node}
    return {"v": str(node)}


def untag(node):
    if "s" in node:
        return {k: untag(v) for k, v in node["s"]}
    return node["v"]


def parse(text, tmp):
    from configobj import ConfigObj

    path = os.path.join(tmp, "parse.ini")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    try:
        with open(path, encoding="utf-8") as fobj:
            conf = ConfigObj(fobj)
        return {"ok": tag(conf.dict())}
    except Exception as exc:  # noqa: BLE001 - the error text is the answer
        return {"error": str(exc), "type": type(exc).__name__}


def quote(value, multiline):
    from configobj import ConfigObj

    try:
        return {"ok": ConfigObj()._quote(value, multiline=multiline)}
    except Exception as exc:  # noqa: BLE001
        return {"error": str(exc)}


def write(tree):
    from configobj import ConfigObj

    buf = io.BytesIO()
    try:
        ConfigObj(untag(tree)).write(buf)
        return {"ok": buf.getvalue().decode("ascii")}
    except Exception as exc:  # noqa: BLE001
        return {"error": str(exc)}


def load(req):
    from dvc.config import Config, ConfigError

    os.environ["DVC_GLOBAL_CONFIG_DIR"] = req["global_dir"]
    os.environ["DVC_SYSTEM_CONFIG_DIR"] = req["system_dir"]
    try:
        conf = Config(req["dvc_dir"])
        return {"ok": tag(dict(conf))}
    except ConfigError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001
        return {"crash": f"{type(exc).__name__}: {exc}"}


def remote(req):
    from dvc.config import Config, ConfigError
    from dvc.data_cloud import DataCloud
    from dvc.fs import get_cloud_fs

    os.environ["DVC_GLOBAL_CONFIG_DIR"] = req["global_dir"]
    os.environ["DVC_SYSTEM_CONFIG_DIR"] = req["system_dir"]
    try:
        conf = Config(req["dvc_dir"])
        name = req.get("name") or conf["core"].get("remote")
        if not name:
            # DataCloud.get_remote only needs `repo.config` and `str(repo)` to build its message
            class FakeRepo:
                config = conf

                def __str__(self):
                    return os.path.dirname(req["dvc_dir"])

            DataCloud(FakeRepo()).get_remote(command=req.get("command", "<command>"))
        cls, fs_conf, path = get_cloud_fs(conf, name=name)
        return {"ok": {"protocol": cls.protocol, "path": path}}
    except ConfigError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001
        return {"crash": f"{type(exc).__name__}: {exc}"}


def main():
    req = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as tmp:
        out = {
            "parse": [parse(t, tmp) for t in req.get("parse", [])],
            "quote": [quote(v, m) for v, m in req.get("quote", [])],
            "write": [write(t) for t in req.get("write", [])],
            "load": [load(r) for r in req.get("load", [])],
            "remote": [remote(r) for r in req.get("remote", [])],
        }
    json.dump(out, sys.stdout)


main()
