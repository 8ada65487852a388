"""_nimbus_runtime.py — nimbus's Python runtime (started by bootstrap.py, so
that this module is loaded from its cached bytecode on later cold starts):
handler loading, the invoke loop, errors in Lambda's shapes. The Runtime API
client is _nimbus_rapid.py, the context object _nimbus_context.py, the lazy
logging / botocore set-up _nimbus_hooks.py.

Start-up (kept to modules the interpreter has loaded anyway, plus json and
socket — boto3 and logging cost nothing until the function imports them):
  1. stdout/stderr unbuffered, sys.path = task root first (then /opt/python)
  2. import hooks: `logging` gets Lambda's handler and line format when first
     imported; `botocore.session` gets the AWS_ENDPOINT_URL patch when
     botocore is too old to honour it (_nimbus_hooks.py)
  3. the handler from _HANDLER ("module.function", "pkg.sub.function",
     "dir/module.function"); failure → POST /runtime/init/error, exit 1
  4. loop: next → handler(event, context) → response | error, posted in
     the same write as the following next (HTTP/1.1 pipelining)
Error bodies are Lambda's Python shape:
  {"errorMessage", "errorType", "requestId", "stackTrace": [...]}.
"""

import json
import os
import sys
import time

from _nimbus_context import LambdaContext
from _nimbus_rapid import RapidClient

_env = os.environ
_request_id = ""  # current invocation, read by the logging filter
_BOOTSTRAP_DIR = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# Output: unbuffered like Lambda; multi-line runtime messages joined with \r
# so nimbus's line-by-line capture keeps them as one log event.
# --------------------------------------------------------------------------
def _unbuffered_stdio():
    import io
    for fd, name in ((1, "stdout"), (2, "stderr")):
        try:
            raw = io.FileIO(fd, "w", closefd=False)
            stream = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace",
                                      line_buffering=False, write_through=True)
            setattr(sys, name, stream)
        except (OSError, ValueError):
            pass


def _stderr(msg):
    sys.stderr.write(msg + "\n")


def _log_error_lines(lines):
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")


# --------------------------------------------------------------------------
# Errors in Lambda's Python shape.
# --------------------------------------------------------------------------
class FaultException(Exception):
    MALFORMED = "Runtime.MalformedHandlerName"
    IMPORT = "Runtime.ImportModuleError"
    BUILTIN = "Runtime.BuiltInModuleConflict"
    SYNTAX = "Runtime.UserCodeSyntaxError"
    NOT_FOUND = "Runtime.HandlerNotFound"
    MARSHAL = "Runtime.MarshalError"
    UNMARSHAL = "Runtime.UnmarshalError"

    def __init__(self, exc_type, msg, trace=None):
        super().__init__(msg)
        self.exc_type = exc_type
        self.msg = msg
        self.trace = trace


def _error_result(etype, msg, stack, request_id):
    return {"errorMessage": msg, "errorType": etype, "requestId": request_id, "stackTrace": stack or []}


def _exception_result(exc, request_id, skip_frames=1):
    """The handler raised exc: the traceback minus the runtime's own frames."""
    if isinstance(exc, FaultException):
        return _error_result(exc.exc_type, exc.msg, exc.trace, request_id)
    import traceback  # only on errors: it costs a few ms of cold start
    tb = traceback.extract_tb(exc.__traceback__)[skip_frames:]
    return _error_result(type(exc).__name__, str(exc), traceback.format_list(tb), request_id)


_JSON_LOGS = _env.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def _log_error(result):
    if _JSON_LOGS:  # one structured record, as Lambda's runtime writes it
        rec = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "level": "ERROR"}
        rec.update(result)
        sys.stdout.write(json.dumps(rec) + "\n")
        return
    desc = "[ERROR]"
    if result.get("errorType"):
        desc += " " + result["errorType"]
    if result.get("errorMessage"):
        desc += (":" if result.get("errorType") else "") + " " + result["errorMessage"]
    lines = [desc]
    if result.get("stackTrace") is not None:
        lines.append("Traceback (most recent call last):")
        for el in result["stackTrace"]:
            # Lambda indents trace lines with NO-BREAK SPACEs in the log
            for line in el.splitlines() or [""]:
                n = len(line) - len(line.lstrip(" "))
                lines.append("\u00a0" * n + line[n:])
    _log_error_lines(lines)


# --------------------------------------------------------------------------
# Handler loading.
# --------------------------------------------------------------------------
def _load_handler(handler):
    import importlib
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED, "Bad handler '%s': %s" % (handler, e))
    if not modname or not fname:
        raise FaultException(FaultException.MALFORMED, "Bad handler '%s': empty module or function name" % handler)
    modname = modname.replace("/", ".")
    if modname.split(".")[0] in sys.builtin_module_names:
        raise FaultException(FaultException.BUILTIN,
                             "Cannot use built-in module %s as a handler module" % modname)
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise FaultException(FaultException.IMPORT, "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.SYNTAX, "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(FaultException.NOT_FOUND, "Handler '%s' missing on module '%s'" % (fname, modname))


def _json_or_none(s):
    if not s:
        return None
    try:
        v = json.loads(s)
        return v if isinstance(v, dict) else None
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Invocation.
# --------------------------------------------------------------------------
def _decimal_default(o):
    import decimal
    if isinstance(o, decimal.Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def _ensure_ascii():
    """Lambda's python3.12+ runtimes return non-ASCII characters as they are;
    earlier ones escape them (\u00e9). The runtime name is in AWS_EXECUTION_ENV."""
    env = _env.get("AWS_EXECUTION_ENV", "")
    if env.startswith("AWS_Lambda_python3."):
        try:
            return int(env[len("AWS_Lambda_python3."):]) < 12
        except ValueError:
            pass
    return True


_ENSURE_ASCII = _ensure_ascii()


def _invoke_once(client, handler, hdrs, body):
    """Runs one invocation, posts its outcome, and returns the next
    invocation (headers, body): the post and the next `next` share a write."""
    global _request_id
    rid = hdrs.get("lambda-runtime-aws-request-id", "")
    _request_id = rid
    _trace_env.set(hdrs.get("lambda-runtime-trace-id"))
    try:
        deadline = int(hdrs.get("lambda-runtime-deadline-ms") or 0)
    except ValueError:
        deadline = 0
    ctx = LambdaContext(rid, deadline, hdrs.get("lambda-runtime-invoked-function-arn"),
                        _json_or_none(hdrs.get("lambda-runtime-client-context")),
                        _json_or_none(hdrs.get("lambda-runtime-cognito-identity")))
    try:
        ctype = hdrs.get("content-type", "application/json")
        if ctype != "application/json":
            event = body  # as Lambda's runtime: only JSON payloads are decoded
        else:
            try:
                event = json.loads(body)
            except ValueError as e:
                raise FaultException(FaultException.UNMARSHAL, "Unable to unmarshal input: %s" % e)
        result = handler(event, ctx)
        if isinstance(result, bytes):
            out = result  # returned as is (Lambda: application/unknown)
        else:
            try:
                out = json.dumps(result, default=_decimal_default, ensure_ascii=_ENSURE_ASCII).encode("utf-8")
            except (TypeError, ValueError, OverflowError) as e:
                raise FaultException(FaultException.MARSHAL, "Unable to marshal response: %s" % e)
    except Exception as e:  # the handler's failure, reported; the instance goes on
        err = _exception_result(e, rid)
        _log_error(err)
        return client.post_and_next(rid, "error", json.dumps(err).encode("utf-8"), err["errorType"])
    return client.post_and_next(rid, "response", out)


class _TraceEnv:
    """os.environ["_X_AMZN_TRACE_ID"], new for every invocation, without
    setenv(3): glibc keeps every "name=value" string setenv was ever given (a
    pointer getenv handed out must stay valid), so a distinct id per
    invocation grew the process by ~145 bytes an invocation for good (+28 MB
    per 200,000), toward the function's memory limit. After the first
    invocation (its answer already sent: ctypes costs ~4 ms to import) one
    buffer is put in the C environment with putenv(3) and rewritten in place,
    and os.environ's mapping is updated beside it — what os.environ.__setitem__
    does, minus the copy. Until then, and for an id too long for the buffer
    or a variable the handler set itself, plain os.environ as Lambda's runtime.
    Invariant: while `put`, the C environment's variable is `buf`."""
    CAP = 512
    PREFIX = b"_X_AMZN_TRACE_ID="

    def __init__(self):
        self.buf = None
        self.put = False

    def install(self):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            self.getenv = libc.getenv
            self.getenv.restype = ctypes.c_void_p
            self.getenv.argtypes = [ctypes.c_char_p]
            self.putenv = libc.putenv
            self.putenv.argtypes = [ctypes.c_void_p]
            self.memmove = ctypes.memmove
            self.buf = ctypes.create_string_buffer(len(self.PREFIX) + self.CAP)
            self.addr = ctypes.addressof(self.buf)
            self.key = _env.encodekey("_X_AMZN_TRACE_ID")
        except Exception:  # no ctypes (or no libc): os.environ as before
            self.buf = None

    def set(self, trace):
        if self.buf is None:
            if trace:
                _env["_X_AMZN_TRACE_ID"] = trace
            else:
                _env.pop("_X_AMZN_TRACE_ID", None)
            return
        v = _env.encodevalue(trace) if trace else None
        ours = self.put and self.getenv(b"_X_AMZN_TRACE_ID") == self.addr + len(self.PREFIX)
        if v is None or len(v) >= self.CAP or b"\0" in v:
            _env.pop("_X_AMZN_TRACE_ID", None)   # unsetenv: drops our pointer, frees nothing of ours
            self.put = False
            if trace:
                _env["_X_AMZN_TRACE_ID"] = trace
            return
        rec = self.PREFIX + v + b"\0"
        self.memmove(self.addr, rec, len(rec))
        if not ours:
            os.unsetenv("_X_AMZN_TRACE_ID")      # a value set another way
            self.putenv(self.addr)
            self.put = True
        _env._data[self.key] = v


_trace_env = _TraceEnv()


def _init_error(client, exc):
    err = _exception_result(exc, "", skip_frames=0)
    if not isinstance(exc, FaultException):
        # top-level code of the module raised: drop the import machinery frames
        err["stackTrace"] = [s for s in err["stackTrace"] if "<frozen importlib" not in s
                             and _BOOTSTRAP_DIR not in s]
    _log_error(err)
    try:
        client.post_init_error(json.dumps(err).encode("utf-8"), err["errorType"])
    finally:
        sys.exit(1)


def main():
    _unbuffered_stdio()
    api = _env.get("AWS_LAMBDA_RUNTIME_API")
    if not api:
        _stderr("nimbus runtime: AWS_LAMBDA_RUNTIME_API is not set")
        sys.exit(1)
    task_root = _env.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # Lambda's order: the task root, then layers (/opt/python), then the
    # runtime. The bootstrap's own directory goes last so that no function
    # module is shadowed by it (it only holds _nimbus_*.py).
    while _BOOTSTRAP_DIR in sys.path:
        sys.path.remove(_BOOTSTRAP_DIR)
    sys.path[0:0] = [task_root, "/opt/python"]
    # Layers: <opt>/python and <opt>/python/lib/pythonX.Y/site-packages (the
    # platform lists <opt>/python in PYTHONPATH).
    site = "lib/python%d.%d/site-packages" % sys.version_info[:2]
    for i in range(len(sys.path) - 1, -1, -1):
        p = sys.path[i]
        if p.endswith("/python") and os.path.isdir(os.path.join(p, site)):
            sys.path.insert(i, os.path.join(p, site))
    sys.path.append(_BOOTSTRAP_DIR)
    import _nimbus_hooks
    _nimbus_hooks.install(lambda: _request_id)

    client = RapidClient(api)
    try:
        handler = _load_handler(_env.get("_HANDLER", ""))
        if not callable(handler):
            raise FaultException(FaultException.NOT_FOUND, "Handler '%s' is not callable" % _env.get("_HANDLER"))
    except Exception as e:
        _init_error(client, e)
        return
    hdrs, body = client.next()
    client.after_send = _trace_env.install   # once the first answer is written
    while True:
        hdrs, body = _invoke_once(client, handler, hdrs, body)


def run():
    try:
        main()
    except ConnectionError as e:
        _stderr("nimbus runtime: %s" % e)
        sys.exit(1)
