"""Starts ``digest`` commands as child processes without paying Python's imports each time.

Run as a script; it imports every module of digest once and, given ``--warm-up FOLDER``,
runs ``digest build -q`` there once (a folder of article files, no network: compiled rules,
regular expressions and templates are then ready for every child). It prints ``ready``, then
reads one JSON request a line: ``{"argv": [...], "cwd": "...", "log": "..."}``. For each it
forks a child that runs ``digest.cli.main(argv)`` in ``cwd``, its output going to ``log``,
and prints ``started PID``; when the child ends, ``exited PID STATUS`` (its exit code, or
minus the signal that killed it). Whoever reads these lines may kill the child meanwhile.

A forked child is a separate process running the real command from its first line, killed
as any process is; only the interpreter's start, the imports and what the warm-up left in
memory are shared. The kill-loop test uses it so that many builds fit in a test's time and
its kills fall on the work of a build, not on Python importing it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import sys
import traceback


def main() -> None:
    import digest
    import digest.cli

    for module in pkgutil.walk_packages(digest.__path__, "digest."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    if sys.argv[1:2] == ["--warm-up"]:
        here = os.getcwd()
        os.chdir(sys.argv[2])
        with contextlib.redirect_stdout(sys.stderr):  # stdout is for the lines below
            digest.cli.main(["build", "-q"])
        os.chdir(here)
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os._exit(_child(digest.cli.main, request))
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"exited {pid} {code}", flush=True)


def _child(run: object, request: dict) -> int:
    try:
        os.chdir(request["cwd"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.stdin = open(0)  # noqa: SIM115  (the child's own, for as long as it lives)
        code = run(request["argv"])  # type: ignore[operator]
        sys.stdout.flush()
        sys.stderr.flush()
        return int(code)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        return 70


if __name__ == "__main__":
    main()
