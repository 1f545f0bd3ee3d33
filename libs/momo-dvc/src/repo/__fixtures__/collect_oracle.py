# Oracle for collect-dvc-files.spec.ts: the DVC files the installed DVC 3.67.1 collects
# (dvc/repo/index.py `collect_files`) for the repository given as argv[1], as a JSON list of
# repo-relative POSIX paths in DVC's own walk order.
import json
import os
import sys

from dvc.repo import Repo
from dvc.repo.index import collect_files

root = os.path.realpath(sys.argv[1])
with Repo(root) as repo:
    paths = [os.path.relpath(path, root).replace(os.sep, "/") for path, _ in collect_files(repo)]
print(json.dumps(paths))
