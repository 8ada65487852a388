"""cli_worker.py — Debian's AWS CLI v2 kept loaded in one process, running one command per
request, so a test file pays the CLI's start (interpreter and ~1 s of imports) once instead of
per call. Each command runs /usr/bin/aws's own entry point (argument parsing, request building,
signing, HTTP, output and error formatting) with a new driver and session, in the environment and
with the stdin it was given, as a new `aws` process would.

It is a process of its own because the CLI installs its bundled botocore as `botocore`, which
cannot share a process with boto3's. Protocol (harness.run_cli): one JSON line per request on
stdin, {"args": [...], "env": {...}, "input": str|null}; one JSON line per answer on stdout,
{"rc": int, "out": str, "err": str}."""
import contextlib
import io
import json
import os
import sys


def main():
    requests, answers = sys.stdin, sys.stdout
    import awscli.clidriver
    import botocore.loaders    # the CLI's bundled botocore (awscli installs it under that name)
    import botocore.session
    data_path = os.environ["AWS_DATA_PATH"]   # set by importing awscli: where its models are
    # Sessions share one data loader per search path: the model files do not change while the
    # worker lives, and a new loader lists ~400 model directories and parses the service's
    # model again (about half a command's time).
    loaders = {}
    def shared_loader(path=None):
        if path not in loaders:
            loaders[path] = botocore.loaders.create_loader(path)
        return loaders[path]
    botocore.session.create_loader = shared_loader
    for line in requests:
        req = json.loads(line)
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace")
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ["AWS_DATA_PATH"] = data_path
        sys.stdin = io.TextIOWrapper(io.BytesIO((req.get("input") or "").encode()), encoding="utf-8")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = awscli.clidriver.AWSCLIEntryPoint().main(list(req["args"]))
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 1
        out.flush()
        err.flush()
        answers.write(json.dumps({"rc": rc, "out": out.buffer.getvalue().decode("utf-8", "replace"),
                                  "err": err.buffer.getvalue().decode("utf-8", "replace")}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
