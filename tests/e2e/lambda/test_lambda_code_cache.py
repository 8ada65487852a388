"""The Node.js runtime's code cache (runtimes/nodejs/code_cache.js, src/lambda/code_cache.c):
made by a function's first environment after its first invocation, stored by nimbus beside the
unpacked code (UNPACK/code/NAME/SHA.jscache), used by later environments of the same code; a
changed package never uses it, a corrupt or rejected one falls back to compiling, and modules
behave as without it (results, line numbers in stacks, errors, ES modules, dynamic import()).
Functions run in nimbus's default sandbox (their code at /var/task)."""
import base64
import hashlib
import json
import os
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase, zip_bytes  # noqa: E402
from lambdatest import ROLE, wait_for  # noqa: E402

MAGIC = b"NBJSCC1\n"

# A dependency big enough for the runtime to make a cache (it skips functions with little source).
BIG = "'use strict';\n" + "".join(
    "function f%d(x) { return x * %d + %d; }\n" % (i, i % 7, i) for i in range(6000)) + """
const marker = 'AAAA';
function where() { return new Error('here').stack.split('\\n')[1].trim(); }
function sum(n) { let s = 0; for (let i = 0; i < n; i++) s += f17(i); return s; }
module.exports = { marker, where, sum, small: require('./small') };
"""
BIG_WHERE_LINE = BIG.count("\n", 0, BIG.index("function where()")) + 1
BIG_WHERE_COL = len("function where() { return ") + 1

INDEX = """const big = require('big');
const path = require('path');
if (process.env.THROW_AT_INIT) { throw new RangeError('init refused: ' + big.marker); }
let n = 0;
exports.handler = async (event) => {
  n++;
  const out = { marker: big.marker, where: big.where(), sum: big.sum(10), small: big.small(), n,
                base: path.basename(__filename) };
  if (event.lazy) {
    try { require('./broken'); } catch (e) { out.lazyError = e.name + ': ' + e.message.split('\\n')[0]; }
  }
  if (event.esm) out.esm = (await import('./helper.mjs')).hello('esm');
  return out;
};
"""
HELPER = "export function hello(who) { return 'hello ' + who; }\n"
SMALL = "module.exports = () => 'small';\n"
BROKEN = "module.exports = { a: 1,, };\n"

ESM_INDEX = """import big from 'big';
export const handler = async () => ({ marker: big.marker, sum: big.sum(10),
                                      cjs: (await import('./cjs.cjs')).default.kind });
"""


def package(marker="AAAA", esm=False):
    big = BIG.replace("'AAAA'", "'%s'" % marker)
    files = {"node_modules/big/index.js": (big, 0o644), "node_modules/big/small.js": (SMALL, 0o644),
             "node_modules/big/package.json": ('{"name":"big","main":"index.js"}', 0o644)}
    if esm:
        files["index.mjs"] = (ESM_INDEX, 0o644)
        files["cjs.cjs"] = ("module.exports = { kind: 'cjs' };\n", 0o644)
    else:
        files.update({"index.js": (INDEX, 0o644), "helper.mjs": (HELPER, 0o644), "broken.js": (BROKEN, 0o644)})
    return zip_bytes(files)


def parse(blob):
    """The cache's header (dict), or None when it is not a whole, intact cache."""
    if len(blob) < len(MAGIC) + 24 or not blob.startswith(MAGIC):
        return None
    body = blob[len(MAGIC) + 20:]
    if hashlib.sha1(body).digest() != blob[len(MAGIC):len(MAGIC) + 20]:
        return None
    (hl,) = struct.unpack("<I", body[:4])
    return json.loads(body[4:4 + hl])


class CodeCache(NimbusTestCase):
    def setUp(self):
        self.c = self.nimbus.client("lambda")

    def caches(self, name):
        """{file name: (inode, mtime_ns, bytes)} of the function's code caches."""
        d = os.path.join(self.nimbus.unpack_dir(), "code", name)
        out = {}
        for f in os.listdir(d) if os.path.isdir(d) else []:
            if ".jscache" in f:
                p = os.path.join(d, f)
                st = os.stat(p)
                with open(p, "rb") as fh:
                    out[f] = (st.st_ino, st.st_mtime_ns, fh.read())
        return out

    def create(self, name, code, **kw):
        self.c.create_function(FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                               Code={"ZipFile": code}, Timeout=30, MemorySize=256, **kw)
        self.c.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 300})

    def invoke(self, name, event=None, tail=False):
        r = self.c.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode(),
                          **({"LogType": "Tail"} if tail else {}))
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        if tail:
            return out, base64.b64decode(r["LogResult"]).decode()
        return out

    def new_environment(self, name, **cfg):
        """A configuration change: the next invoke starts a new environment (same code)."""
        env = cfg.pop("env", {})
        env["GENERATION"] = str(time.time())
        self.c.update_function_configuration(FunctionName=name, Environment={"Variables": env}, **cfg)
        self.c.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 300})

    def made_cache(self, name, before=None):
        """Waits for a cache other than `before` ((inode, mtime) of the old one) and returns
        (file name, (inode, mtime_ns, bytes), header)."""
        def fresh():
            for f, v in self.caches(name).items():
                if before is None or (v[0], v[1]) != before:
                    if parse(v[2]):
                        return f, v
            return None
        got = wait_for(fresh)
        return got[0], got[1], parse(got[1][2])

    def expected(self, marker="AAAA", n=1):
        return {"marker": marker, "sum": sum(i * 3 + 17 for i in range(10)), "small": "small", "n": n,
                "base": "index.js",
                "where": "at Object.where (/var/task/node_modules/big/index.js:%d:%d)" % (BIG_WHERE_LINE, BIG_WHERE_COL)}

    def test_made_once_then_used_by_later_environments(self):
        self.create("cc-used", package())
        self.assertEqual(self.invoke("cc-used"), self.expected())
        fname, (ino, mtime, _), h = self.made_cache("cc-used")
        mods = [m[0] for m in h["mods"]]
        # index.js mentions import(, which V8 cannot keep in cached code: Node compiles it each time
        self.assertNotIn("/var/task/index.js", mods)
        self.assertIn("/var/task/node_modules/big/index.js", mods)
        self.assertIn("/var/task/node_modules/big/small.js", mods)
        resolved = [f for _, entries in h["res"] for _, f in entries]
        self.assertIn("/var/task/node_modules/big/index.js", resolved)
        # made from the modules compiled anew, not run: the next environment, fed by it, replaces it
        # once with what it ran (the functions its init and first invocation compiled)
        self.assertFalse(h["ran"])
        self.new_environment("cc-used")
        self.assertEqual(self.invoke("cc-used"), self.expected())
        self.assertEqual(self.invoke("cc-used"), self.expected(n=2))
        fname2, (ino, mtime, _), h = self.made_cache("cc-used", before=(ino, mtime))
        self.assertEqual(fname2, fname)
        self.assertTrue(h["ran"])
        for _ in range(2):
            self.new_environment("cc-used")
            # same results, same line and column numbers in stacks, in an environment fed by the cache
            self.assertEqual(self.invoke("cc-used"), self.expected())
            self.assertEqual(self.invoke("cc-used"), self.expected(n=2))
        # nothing was missing from it: no environment replaced it again
        now = self.caches("cc-used")
        self.assertEqual(list(now), [fname])
        self.assertEqual(now[fname][:2], (ino, mtime))

    def test_changed_code_never_uses_the_old_cache(self):
        self.create("cc-changed", package("AAAA"))
        self.assertEqual(self.invoke("cc-changed")["marker"], "AAAA")
        old, (ino, mtime, _), _ = self.made_cache("cc-changed")
        # the same files, the same lengths, other content: V8 alone could not tell
        self.c.update_function_code(FunctionName="cc-changed", ZipFile=package("BBBB"))
        self.c.get_waiter("function_updated_v2").wait(FunctionName="cc-changed",
                                                      WaiterConfig={"Delay": 0.1, "MaxAttempts": 300})
        # the old package's cache is kept (the newest of a function's dead ones): the new package's
        # first environment is given it, uses what still matches (small.js) and compiles the rest
        self.assertIn(old, self.caches("cc-changed"))
        self.assertEqual(self.invoke("cc-changed"), self.expected("BBBB"))
        self.assertEqual(self.invoke("cc-changed"), self.expected("BBBB", n=2))
        new, _, h = self.made_cache("cc-changed", before=(ino, mtime))
        self.assertNotEqual(new, old)
        self.assertTrue(h["ran"])   # made by an environment that was fed a cache, after running
        self.assertIn("/var/task/node_modules/big/index.js", [m[0] for m in h["mods"]])
        self.new_environment("cc-changed")
        self.assertEqual(self.invoke("cc-changed"), self.expected("BBBB"))
        # back to the first package: its modules match the kept cache again
        self.c.update_function_code(FunctionName="cc-changed", ZipFile=package("AAAA"))
        self.c.get_waiter("function_updated_v2").wait(FunctionName="cc-changed",
                                                      WaiterConfig={"Delay": 0.1, "MaxAttempts": 300})
        self.assertEqual(self.invoke("cc-changed"), self.expected("AAAA"))
        self.c.delete_function(FunctionName="cc-changed")
        self.assertEqual(self.caches("cc-changed"), {})

    def corrupt_and_check(self, name, mangle):
        fname, (ino, mtime, blob), _ = self.made_cache(name)
        path = os.path.join(self.nimbus.unpack_dir(), "code", name, fname)
        with open(path, "wb") as f:
            f.write(mangle(blob))
        st = os.stat(path)
        self.new_environment(name)
        self.assertEqual(self.invoke(name), self.expected())
        # the environment compiled everything itself and left a whole cache again
        _, _, h = self.made_cache(name, before=(st.st_ino, st.st_mtime_ns))
        self.assertIn("/var/task/node_modules/big/index.js", [m[0] for m in h["mods"]])
        self.new_environment(name)
        self.assertEqual(self.invoke(name), self.expected())

    def test_corrupt_cache_falls_back(self):
        self.create("cc-corrupt", package())
        self.invoke("cc-corrupt")
        self.corrupt_and_check("cc-corrupt", lambda b: b"garbage" * 100)
        self.corrupt_and_check("cc-corrupt", lambda b: b[:len(b) // 2])
        # damaged inside the V8 data (the last module's): the cache's checksum gives it away
        self.corrupt_and_check("cc-corrupt", lambda b: b[:-40] + bytes(x ^ 0x5A for x in b[-40:-8]) + b[-8:])

    def test_cache_v8_rejects_falls_back(self):
        """Another heap size is another V8 flag set: V8 refuses the code made under the old one."""
        self.create("cc-rejected", package())
        self.invoke("cc-rejected")
        fname, (ino, mtime, _), _ = self.made_cache("cc-rejected")
        self.new_environment("cc-rejected", MemorySize=512)
        self.assertEqual(self.invoke("cc-rejected"), self.expected())
        _, (ino2, mtime2, _), _ = self.made_cache("cc-rejected", before=(ino, mtime))
        self.new_environment("cc-rejected", MemorySize=512)
        self.assertEqual(self.invoke("cc-rejected"), self.expected())
        self.assertEqual(self.caches("cc-rejected")[fname][:2], (ino2, mtime2))

    def test_cache_that_breaks_the_runtime_is_dropped(self):
        """A whole cache whose V8 data is damaged (only a function writing its own could make one)
        may crash the runtime at init; nimbus then drops it, and the next environment works."""
        self.create("cc-crash", package())
        self.invoke("cc-crash")
        fname, (_, _, blob), h = self.made_cache("cc-crash")
        path = os.path.join(self.nimbus.unpack_dir(), "code", "cc-crash", fname)
        body = bytearray(blob[len(MAGIC) + 20:])
        (hl,) = struct.unpack("<I", body[:4])
        big = next(m for m in h["mods"] if m[0].endswith("big/index.js"))
        start = 4 + hl + big[2] + 200
        for i in range(start, min(start + 2000, 4 + hl + big[2] + big[3])):
            body[i] ^= 0x5A
        with open(path, "wb") as f:
            f.write(MAGIC + hashlib.sha1(bytes(body)).digest() + bytes(body))
        self.new_environment("cc-crash")
        r = self.c.invoke(FunctionName="cc-crash", Payload=b"{}")
        out = json.loads(r["Payload"].read())
        if "FunctionError" in r:   # the runtime died on it: the cache is gone, the next one works
            self.assertEqual(out["errorType"], "Runtime.ExitError", out)
            wait_for(lambda: fname not in self.caches("cc-crash") or
                     self.caches("cc-crash")[fname][2] != f_bytes(path, blob))
        else:                      # V8 noticed: it compiled instead
            self.assertEqual(out, self.expected())
        self.new_environment("cc-crash")
        self.assertEqual(self.invoke("cc-crash"), self.expected())

    def test_errors_and_modules_behave_as_without_cache(self):
        self.create("cc-errors", package())
        first, log = self.invoke("cc-errors", {"lazy": True, "esm": True}, tail=True)
        self.made_cache("cc-errors")
        self.new_environment("cc-errors")
        second, log2 = self.invoke("cc-errors", {"lazy": True, "esm": True}, tail=True)
        self.assertEqual(first, second)
        self.assertEqual(second["esm"], "hello esm")
        self.assertEqual(second["lazyError"], "SyntaxError: Unexpected token ','")
        for text in (log, log2):
            self.assertNotIn("ExperimentalWarning", text)
            self.assertNotIn("USE_MAIN_CONTEXT_DEFAULT_LOADER", text)
        # an error thrown by a module's top level, in an environment fed by the cache
        self.new_environment("cc-errors", env={"THROW_AT_INIT": "1"})
        r = self.c.invoke(FunctionName="cc-errors", Payload=b"{}")
        out = json.loads(r["Payload"].read())
        self.assertEqual(r.get("FunctionError"), "Unhandled")
        self.assertEqual((out["errorType"], out["errorMessage"]), ("RangeError", "init refused: AAAA"))
        col = INDEX.split("\n")[2].index("new RangeError") + 1
        trace = out.get("trace") or out.get("stackTrace")
        self.assertEqual(trace[1].strip(), "at Object.<anonymous> (/var/task/index.js:3:%d)" % col, trace)

    def test_the_function_itself_writing_garbage(self):
        """The extension answers bad calls as the Runtime API does, and garbage a function
        stores for itself is only a cache that does not fit: compiled as usual, replaced."""
        files = {"node_modules/big/index.js": (BIG, 0o644), "node_modules/big/small.js": (SMALL, 0o644),
                 "index.js": (PROBE, 0o644)}
        self.create("cc-probe", zip_bytes(files))
        self.assertEqual(self.invoke("cc-probe"), {"marker": "AAAA"})
        self.made_cache("cc-probe")
        out = self.invoke("cc-probe", {"probe": True})
        self.assertEqual((out["post"], out["emptyPut"], out["garbagePut"]), (405, 400, 202), out)
        self.assertEqual(out["get"], {"status": 200, "bytes": 700})
        (fname, (ino, mtime, blob)), = self.caches("cc-probe").items()
        self.assertEqual(blob, b"garbage" * 100)
        self.new_environment("cc-probe")
        self.assertEqual(self.invoke("cc-probe"), {"marker": "AAAA"})
        _, _, h = self.made_cache("cc-probe", before=(ino, mtime))
        self.assertIn("/var/task/node_modules/big/index.js", [m[0] for m in h["mods"]])

    def test_es_module_handler(self):
        code = package(esm=True)
        self.create("cc-esm", code)
        want = {"marker": "AAAA", "sum": sum(i * 3 + 17 for i in range(10)), "cjs": "cjs"}
        self.assertEqual(self.invoke("cc-esm"), want)
        _, _, h = self.made_cache("cc-esm")
        self.assertIn("/var/task/node_modules/big/index.js", [m[0] for m in h["mods"]])
        self.new_environment("cc-esm")
        self.assertEqual(self.invoke("cc-esm"), want)


PROBE = """const http = require('http');
const big = require('big');
function call(method, body) {
  return new Promise((resolve, reject) => {
    const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
    const req = http.request({ host, port, method, path: '/2018-06-01/runtime/nimbus/code-cache' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, bytes: Buffer.concat(chunks).length }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
exports.handler = async (event) => {
  const out = { marker: big.marker };
  if (event.probe) {
    out.post = (await call('POST', 'x')).status;
    out.emptyPut = (await call('PUT', '')).status;
    out.garbagePut = (await call('PUT', 'garbage'.repeat(100))).status;
    out.get = await call('GET');
  }
  return out;
};
"""


def f_bytes(path, default):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


if __name__ == "__main__":
    unittest.main()
