"""Crash consistency of Lambda through the daemon, under SIGKILL at random moments.

(a) control plane: writers create functions, publish versions, create aliases and
    update configuration; every acknowledged result is recorded. After each restart
    every acknowledged function / version / alias / configuration is present exactly,
    and every listed function is whole (GetFunction, its versions and aliases answer).
(b) async invokes: InvocationType=Event (202 = acknowledged) of a function that
    writes its event's tag to a marker file, while nimbus is killed; after restart
    every acknowledged event is delivered at least once.
After every kill -9, no process of any function is left (plain processes: isolate=0).
Rounds: RELIABILITY_ROUNDS (default 5 in `make test`, 20 in `make reliability`)."""
import glob
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e", "lambda"))
from harness import Nimbus  # noqa: E402
from lambdatest import ROLE, bootstrap_zip  # noqa: E402

ROUNDS = int(os.environ.get("RELIABILITY_ROUNDS", "5"))
ARGS = ("--set", "lambda.isolate=0", "--set", "lambda.async_retry_delay_ms=100")


def function_processes(n, timeout=10.0):
    """Pids of processes of n's functions (LAMBDA_TASK_ROOT under its unpack directory) still
    alive after timeout seconds of polling; [] as soon as there are none. After a kill -9 of
    nimbus there must be none: the sandbox's watchdog kills every instance's process group."""
    root = n.unpack_dir()
    if not root:
        return []
    needle = ("LAMBDA_TASK_ROOT=%s/" % root).encode()
    deadline = time.time() + timeout
    while True:
        found = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open("/proc/%s/environ" % name, "rb") as f:
                        if needle in f.read():
                            found.append(int(name))
                except OSError:
                    pass
        if not found or time.time() > deadline:
            return found
        time.sleep(0.05)


def lambda_client(n):
    import boto3
    import botocore.config
    return boto3.client("lambda", endpoint_url=n.endpoint, region_name="us-east-1",
                        aws_access_key_id=n.creds["AWS_ACCESS_KEY_ID"], aws_secret_access_key=n.creds["AWS_SECRET_ACCESS_KEY"],
                        config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=30,
                                                      connect_timeout=5))


class CrashLambdaControlPlane(unittest.TestCase):
    def setUp(self):
        self.n = Nimbus(extra_args=ARGS).start()
        self.zip = bootstrap_zip()

    def tearDown(self):
        self.n.cleanup()

    def writer(self, wid, log, stop):
        """log: list of (state, kind, name, value); state "try" before the call, "ack" after."""
        c = lambda_client(self.n)
        self.ready.release()
        i = 0
        while not stop.is_set():
            name = "w%d-%d" % (wid, i)
            try:
                log.append(("try", "fn", name, None))
                c.create_function(FunctionName=name, Runtime="provided.al2", Handler="h", Role=ROLE,
                                  Code={"ZipFile": self.zip}, Description="d0", Timeout=3, MemorySize=128)
                log.append(("ack", "fn", name, None))
                log.append(("try", "ver", name, "1"))
                v = c.publish_version(FunctionName=name)["Version"]
                self.assertEqual(v, "1")
                log.append(("ack", "ver", name, v))
                log.append(("try", "alias", name, v))
                c.create_alias(FunctionName=name, Name="live", FunctionVersion=v)
                log.append(("ack", "alias", name, v))
                desc = "d%d" % (i + 1)
                log.append(("try", "desc", name, desc))
                c.update_function_configuration(FunctionName=name, Description=desc, MemorySize=256)
                log.append(("ack", "desc", name, desc))
            except Exception as e:   # noqa: BLE001
                if not self.killing.is_set():
                    self.errors.append(repr(e))   # a live nimbus refused a valid call: a bug
                return   # nimbus died mid-request: not acknowledged
            i += 1

    def check(self, log):
        c = lambda_client(self.n)
        listed = set()
        for page in c.get_paginator("list_functions").paginate():
            for f in page["Functions"]:
                listed.add(f["FunctionName"])
        acked = {}       # name -> {"fn": True, "ver": "1", "alias": "1", "desc": "dN"}
        tried = {}
        for state, kind, name, value in log:
            (acked if state == "ack" else tried).setdefault(name, {})[kind] = value if value else True
        for name in acked:
            self.assertIn(name, listed, "acknowledged CreateFunction lost: %s" % name)
        for name in listed:
            self.assertIn(name, tried, "function nobody created: %s" % name)
            a, t = acked.get(name, {}), tried[name]
            # whole: GetFunction answers with code and configuration
            g = c.get_function(FunctionName=name)
            self.assertEqual(g["Configuration"]["FunctionName"], name)
            self.assertIn("Location", g["Code"])
            self.assertEqual(g["Configuration"]["Runtime"], "provided.al2")
            versions = [v["Version"] for p in c.get_paginator("list_versions_by_function").paginate(FunctionName=name)
                        for v in p["Versions"]]
            if "ver" in a:
                self.assertEqual(versions, ["$LATEST", "1"], "acknowledged version lost: %s" % name)
            else:
                self.assertIn(versions, (["$LATEST"], ["$LATEST", "1"]))
            if "1" in versions:
                v1 = c.get_function_configuration(FunctionName=name, Qualifier="1")
                self.assertEqual(v1["Description"], "d0")
                self.assertEqual(v1["MemorySize"], 128)
            aliases = [x["Name"] for p in c.get_paginator("list_aliases").paginate(FunctionName=name)
                       for x in p["Aliases"]]
            if "alias" in a:
                self.assertEqual(aliases, ["live"], "acknowledged alias lost: %s" % name)
            if aliases:
                self.assertEqual(c.get_alias(FunctionName=name, Name="live")["FunctionVersion"], "1")
            cfg = c.get_function_configuration(FunctionName=name)
            if "desc" in a:
                self.assertEqual((cfg["Description"], cfg["MemorySize"]), (a["desc"], 256),
                                 "acknowledged UpdateFunctionConfiguration lost: %s" % name)
            elif "desc" in t:   # in flight at the kill: all of it or none of it
                self.assertIn((cfg["Description"], cfg["MemorySize"]), (("d0", 128), (t["desc"], 256)))
            else:
                self.assertEqual((cfg["Description"], cfg["MemorySize"]), ("d0", 128))
        return len(acked)

    def test_kill9_rounds_lose_no_acknowledged_control_plane_write(self):
        log_all = []
        self.errors = []
        self.killing = threading.Event()
        self.ready = threading.Semaphore(0)
        rng = random.Random(os.getpid())
        for rnd in range(ROUNDS):
            log = []
            stop = threading.Event()
            ws = [threading.Thread(target=self.writer, args=(rnd * 10 + w, log, stop)) for w in range(3)]
            for t in ws:
                t.start()
            for t in ws:
                self.ready.acquire()   # clients built: the kill lands among requests
            time.sleep(rng.uniform(0.3, 1.5))
            self.killing.set()   # from here on a failed call is the kill's doing
            self.n.kill9()
            stop.set()
            for t in ws:
                t.join(30)
            self.assertEqual(function_processes(self.n), [], "function processes outlived kill -9 of nimbus")
            log_all.extend(log)
            self.n.start()
            self.killing.clear()
            self.assertEqual(self.errors, [])
            n_fn = self.check(log_all)
            sys.stderr.write("round %d: %d acknowledged control-plane calls, %d functions, all present\n"
                             % (rnd + 1, sum(1 for e in log if e[0] == "ack"), n_fn))
        self.assertGreater(sum(1 for e in log_all if e[0] == "ack"), 0)


class CrashLambdaAsync(unittest.TestCase):
    def setUp(self):
        self.markers = tempfile.mkdtemp(prefix="nimbus-markers-")
        self.n = Nimbus(extra_args=ARGS).start()
        c = lambda_client(self.n)
        c.create_function(FunctionName="mark-fn", Runtime="provided.al2", Handler="h", Role=ROLE,
                          Code={"ZipFile": bootstrap_zip()}, Timeout=10, MemorySize=128,
                          Environment={"Variables": {"MARKER_DIR": self.markers}})

    def tearDown(self):
        self.n.cleanup()
        shutil.rmtree(self.markers, ignore_errors=True)

    def delivered(self):
        tags = set()
        for f in glob.glob(os.path.join(self.markers, "ok.*")):
            try:
                with open(f) as fh:
                    tags.add(json.loads(fh.read())["tag"])
            except (OSError, ValueError, KeyError):
                pass
        return tags

    def sender(self, wid, acked, stop):
        c = lambda_client(self.n)
        self.ready.release()
        i = 0
        while not stop.is_set():
            tag = "e%d-%d" % (wid, i)
            try:
                r = c.invoke(FunctionName="mark-fn", InvocationType="Event",
                             Payload=json.dumps({"op": "mark", "tag": tag}).encode())
                self.assertEqual(r["StatusCode"], 202)
                acked.append(tag)
            except Exception as e:   # noqa: BLE001
                if not self.killing.is_set():
                    self.errors.append(repr(e))
                return
            i += 1
            time.sleep(0.01)   # bounded queue growth: the shell function drains ~tens/s

    def test_kill9_rounds_deliver_every_acknowledged_event(self):
        acked_all = []
        self.errors = []
        self.killing = threading.Event()
        self.ready = threading.Semaphore(0)
        rng = random.Random(os.getpid() + 1)
        for rnd in range(ROUNDS):
            acked = []
            stop = threading.Event()
            ws = [threading.Thread(target=self.sender, args=(rnd * 10 + w, acked, stop)) for w in range(2)]
            for t in ws:
                t.start()
            for t in ws:
                self.ready.acquire()   # clients built: the kill lands among requests
            time.sleep(rng.uniform(0.3, 1.2))
            self.killing.set()   # from here on a failed call is the kill's doing
            self.n.kill9()
            stop.set()
            for t in ws:
                t.join(30)
            self.assertEqual(function_processes(self.n), [], "function processes outlived kill -9 of nimbus")
            acked_all.extend(acked)
            self.n.start()
            self.killing.clear()
            self.assertEqual(self.errors, [])
            sys.stderr.write("round %d: %d events acknowledged\n" % (rnd + 1, len(acked)))
        want = set(acked_all)
        self.assertEqual(len(want), len(acked_all))
        deadline = time.time() + 60 + 2 * len(want) / 10.0
        got = self.delivered()
        while not want <= got and time.time() < deadline:
            time.sleep(0.2)
            got = self.delivered()
        missing = sorted(want - got)
        self.assertEqual(missing, [], "acknowledged events never delivered: %d of %d" % (len(missing), len(want)))
        sys.stderr.write("round all: %d acknowledged events over %d kill -9 rounds, all %d delivered "
                         "(%d distinct tags seen)\n" % (len(want), ROUNDS, len(want), len(got)))
        self.assertGreater(len(want), 0)


if __name__ == "__main__":
    unittest.main()
