"""bootstrap.py — nimbus's Python runtime: what runs inside a function
instance started as `/usr/bin/python3 <dir>/runtimes/python/bootstrap.py`.

Start-up (kept to modules the interpreter has loaded anyway, plus json and
socket — boto3 and logging cost nothing until the function imports them):
  1. stdout/stderr unbuffered, sys.path = task root first (then /opt/python)
  2. import hooks: `logging` gets Lambda's handler and line format when first
     imported; `botocore.session` gets the AWS_ENDPOINT_URL patch when
     botocore is too old to honour it (_nimbus_boto.py)
  3. the handler from _HANDLER ("module.function", "pkg.sub.function",
     "dir/module.function"); failure → POST /runtime/init/error, exit 1
  4. loop: next → handler(event, context) → response | error
Error bodies are Lambda's Python shape:
  {"errorMessage", "errorType", "requestId", "stackTrace": [...]}.
"""

import json
import os
import socket
import sys
import time
import traceback

_env = os.environ
_request_id = ""  # current invocation, read by the logging filter
_BOOTSTRAP_DIR = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# Runtime API client: one persistent HTTP/1.1 connection, hand-written so the
# runtime does not import http.client (email, ssl…) at start-up.
# --------------------------------------------------------------------------
class RapidClient:
    BASE = "/2018-06-01/runtime"

    def __init__(self, hostport):
        host, _, port = hostport.rpartition(":")
        self.host = host.strip("[]") or "127.0.0.1"
        self.port = int(port)
        self.hosthdr = hostport
        self.sock = None
        self.rfile = None

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def _close(self):
        for c in (self.rfile, self.sock):
            try:
                if c is not None:
                    c.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def request(self, method, path, body=b"", headers=None):
        """Returns (status, headers dict with lower-case names, body bytes).
        A connection the server closed while idle is reopened once; a
        failure after the response started is raised (the instance exits)."""
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, self.hosthdr)
        for k, v in (headers or {}).items():
            head += "%s: %s\r\n" % (k, v)
        if method == "POST":
            head += "Content-Length: %d\r\n" % len(body)
        data = head.encode("latin-1") + b"\r\n" + body
        for attempt in (0, 1):
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(data)
                status_line = self.rfile.readline(65537)
            except OSError:
                status_line = b""
            if status_line:
                return self._read_rest(status_line)
            self._close()
            if attempt == 1:
                raise ConnectionError("runtime api closed the connection")

    def _read_rest(self, status_line):
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ConnectionError("bad status line from runtime api: %r" % status_line[:100])
        status = int(parts[1])
        hdrs = {}
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise ConnectionError("runtime api closed the connection mid-response")
            if line in (b"\r\n", b"\n"):
                break
            k, _, v = line.decode("latin-1").partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        if len(body) != n:
            raise ConnectionError("runtime api closed the connection mid-body")
        if hdrs.get("connection", "").lower() == "close":
            self._close()
        return status, hdrs, body

    def next(self):
        status, hdrs, body = self.request("GET", self.BASE + "/invocation/next")
        if status != 200:
            raise ConnectionError("next: status %d: %r" % (status, body[:200]))
        return hdrs, body

    def post_response(self, rid, body):
        return self._post(self.BASE + "/invocation/%s/response" % rid, body, None)

    def post_error(self, rid, error, error_type):
        return self._post(self.BASE + "/invocation/%s/error" % rid, error, error_type)

    def post_init_error(self, error, error_type):
        return self._post(self.BASE + "/init/error", error, error_type)

    def _post(self, path, body, error_type):
        headers = {"Content-Type": "application/json"}
        if error_type is not None:
            headers["Lambda-Runtime-Function-Error-Type"] = "".join(
                c if " " <= c <= "~" else "?" for c in error_type)
        status, _, text = self.request("POST", path, body, headers)
        if status >= 500:
            raise ConnectionError("runtime api answered %d: %r" % (status, text[:200]))
        if status != 202:  # refused this answer (unknown id, too large…): go on
            _stderr("nimbus runtime: runtime api answered %d: %s" % (status, text[:200].decode("utf-8", "replace")))
        return status


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
    tb = traceback.extract_tb(exc.__traceback__)[skip_frames:]
    return _error_result(type(exc).__name__, str(exc), traceback.format_list(tb), request_id)


def _log_error(result):
    desc = "[ERROR]"
    if result.get("errorType"):
        desc += " " + result["errorType"]
    if result.get("errorMessage"):
        desc += (":" if result.get("errorType") else "") + " " + result["errorMessage"]
    lines = [desc]
    if result.get("stackTrace") is not None:
        lines.append("Traceback (most recent call last):")
        for el in result["stackTrace"]:
            lines.extend(el.splitlines() or [""])
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
        trace = ['  File "%s" Line %s\n        %s' % (e.filename, e.lineno, (e.text or "").strip("\n"))]
        raise FaultException(FaultException.SYNTAX, "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(FaultException.NOT_FOUND, "Handler '%s' missing on module '%s'" % (fname, modname))


# --------------------------------------------------------------------------
# The context object (awslambdaric's LambdaContext attributes).
# --------------------------------------------------------------------------
class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")


class ClientContext:
    __slots__ = ("custom", "env", "client")


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.log_group_name = _env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = _env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = _env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = _env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = _env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        self._deadline_ms = deadline_ms
        self.identity = CognitoIdentity()
        self.identity.cognito_identity_id = (identity or {}).get("cognitoIdentityId")
        self.identity.cognito_identity_pool_id = (identity or {}).get("cognitoIdentityPoolId")
        self.client_context = None
        if client_context is not None:
            cc = ClientContext()
            cc.custom = client_context.get("custom")
            cc.env = client_context.get("env")
            cc.client = None
            c = client_context.get("client")
            if c is not None:
                cc.client = Client()
                cc.client.installation_id = c.get("installation_id")
                cc.client.app_title = c.get("app_title")
                cc.client.app_version_name = c.get("app_version_name")
                cc.client.app_version_code = c.get("app_version_code")
                cc.client.app_package_name = c.get("app_package_name")
            self.client_context = cc

    def get_remaining_time_in_millis(self):
        return int(max(self._deadline_ms - time.time() * 1000, 0))

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
                "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,"
                "identity=%s])" % (self.aws_request_id, self.log_group_name, self.log_stream_name,
                                   self.function_name, self.memory_limit_in_mb, self.function_version,
                                   self.invoked_function_arn, self.client_context, self.identity))


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
    raise TypeError(repr(o) + " is not JSON serializable")


def _invoke_once(client, handler, hdrs, body):
    global _request_id
    rid = hdrs.get("lambda-runtime-aws-request-id", "")
    _request_id = rid
    trace = hdrs.get("lambda-runtime-trace-id")
    if trace:
        _env["_X_AMZN_TRACE_ID"] = trace
    else:
        _env.pop("_X_AMZN_TRACE_ID", None)
    try:
        deadline = int(hdrs.get("lambda-runtime-deadline-ms") or 0)
    except ValueError:
        deadline = 0
    ctx = LambdaContext(rid, deadline, hdrs.get("lambda-runtime-invoked-function-arn"),
                        _json_or_none(hdrs.get("lambda-runtime-client-context")),
                        _json_or_none(hdrs.get("lambda-runtime-cognito-identity")))
    try:
        try:
            event = json.loads(body)
        except ValueError as e:
            raise FaultException(FaultException.UNMARSHAL, "Unable to unmarshal input: %s" % e)
        result = handler(event, ctx)
        try:
            out = json.dumps(result, default=_decimal_default).encode("utf-8")
        except (TypeError, ValueError, OverflowError) as e:
            raise FaultException(FaultException.MARSHAL, "Unable to marshal response: %s" % e)
    except Exception as e:  # the handler's failure, reported; the instance goes on
        err = _exception_result(e, rid)
        _log_error(err)
        client.post_error(rid, json.dumps(err).encode("utf-8"), err["errorType"])
        return
    client.post_response(rid, out)


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
    if sys.path and os.path.abspath(sys.path[0] or ".") == _BOOTSTRAP_DIR:
        sys.path.pop(0)
    sys.path[0:0] = [task_root, "/opt/python"]
    sys.path.append(_BOOTSTRAP_DIR)
    # The runtime directory may be the read-only embedded copy: write no
    # bytecode there (the function's own modules are cached as usual).
    sys.dont_write_bytecode, saved = True, sys.dont_write_bytecode
    import _nimbus_hooks
    sys.dont_write_bytecode = saved
    _nimbus_hooks.install(lambda: _request_id)

    client = RapidClient(api)
    try:
        handler = _load_handler(_env.get("_HANDLER", ""))
        if not callable(handler):
            raise FaultException(FaultException.NOT_FOUND, "Handler '%s' is not callable" % _env.get("_HANDLER"))
    except Exception as e:
        _init_error(client, e)
        return
    while True:
        hdrs, body = client.next()
        _invoke_once(client, handler, hdrs, body)


if __name__ == "__main__":
    try:
        main()
    except ConnectionError as e:
        _stderr("nimbus runtime: %s" % e)
        sys.exit(1)
