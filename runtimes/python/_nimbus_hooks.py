"""_nimbus_hooks.py — lazy set-up of modules the function may import, done the
moment they are first imported (nothing is paid by functions that never
import them):

- logging: the root logger gets Lambda's handler and format
    [LEVEL]\t2026-11-28T00:00:00.000Z\t<request id>\t<message>\n
  (AWS_LAMBDA_LOG_FORMAT=JSON: {"timestamp","level","message","logger",
  "requestId"}, errorType / errorMessage / stackTrace with an exception;
  print() stays plain text, as on Lambda); AWS_LAMBDA_LOG_LEVEL (TRACE reads
  as DEBUG) sets the root level, else it keeps
  Python's default WARNING, as on Lambda. Newlines inside a message become '\r' so a
  record stays one line for nimbus's line-by-line log capture.
- botocore.session: when botocore is too old to read AWS_ENDPOINT_URL itself
  (Debian 12's 1.29), Session.create_client gets endpoint_url from
  AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL unless the caller passed
  one — boto3.client, boto3.resource and botocore all go through it.
"""

import os
import sys

_get_request_id = None


class _PatchingLoader:
    """Runs the real loader, then the patch; everything else delegated."""

    def __init__(self, inner, patch):
        self._inner = inner
        self._patch = patch

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class _Finder:
    def __init__(self, targets):
        self.targets = targets  # module name → patch(module)

    def find_spec(self, name, path=None, target=None):
        patch = self.targets.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        del self.targets[name]
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


# --- logging -----------------------------------------------------------------
def _setup_logging(logging):
    import time as _time
    json_format = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _get_request_id()
            return True

    class LambdaHandler(logging.StreamHandler):
        def emit(self, record):
            try:
                msg = self.format(record)
                sys.stdout.write(msg.rstrip("\n").replace("\n", "\r") + "\n")
            except Exception:
                self.handleError(record)

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            import json
            out = {
                # second precision, as Lambda's Python runtime writes it
                "timestamp": _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime(record.created)),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "requestId": getattr(record, "aws_request_id", ""),
            }
            if record.exc_info:
                out["errorType"] = record.exc_info[0].__name__
                out["errorMessage"] = str(record.exc_info[1])
                out["stackTrace"] = self.formatException(record.exc_info).splitlines()
            return json.dumps(out, default=str)

    handler = LambdaHandler(sys.stdout)
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        fmt = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                "%Y-%m-%dT%H:%M:%S")
        fmt.converter = _time.gmtime
        handler.setFormatter(fmt)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    # (Lambda sets AWS_LAMBDA_LOG_LEVEL only for functions with the JSON format.)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in ("TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"):
        root.setLevel({"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level))


# --- botocore ----------------------------------------------------------------
_SERVICE_ENV = {  # botocore service name → AWS_ENDPOINT_URL_<X> where it is not just NAME.upper()
    "logs": "CLOUDWATCH_LOGS", "events": "EVENTBRIDGE", "monitoring": "CLOUDWATCH",
    "states": "SFN", "apigatewaymanagementapi": "APIGATEWAYMANAGEMENTAPI",
    "cognito-idp": "COGNITO_IDENTITY_PROVIDER", "dynamodbstreams": "DYNAMODB_STREAMS",
}


def endpoint_for(service_name):
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    key = _SERVICE_ENV.get(service_name) or service_name.upper().replace("-", "_")
    return os.environ.get("AWS_ENDPOINT_URL_" + key) or os.environ.get("AWS_ENDPOINT_URL") or None


def _botocore_honours_env():
    try:
        from botocore import configprovider
    except ImportError:
        return False
    chain = getattr(configprovider, "BOTOCORE_DEFAUT_SESSION_VARIABLES", {})
    return "endpoint_url" in chain


def _patch_botocore_session(session_mod):
    if _botocore_honours_env():
        return
    Session = session_mod.Session
    orig = Session.create_client
    if getattr(orig, "_nimbus", False):
        return

    def create_client(self, *args, **kwargs):
        service = args[0] if args else kwargs.get("service_name")
        # endpoint_url is create_client's 6th parameter (after self).
        if len(args) < 6 and kwargs.get("endpoint_url") is None and service:
            url = endpoint_for(service)
            if url:
                kwargs["endpoint_url"] = url
                # one endpoint for every bucket: path-style addressing
                # (config is the 10th parameter; a positional one is left alone)
                if service == "s3" and len(args) < 10:
                    from botocore.config import Config
                    path_style = Config(s3={"addressing_style": "path"})
                    user = kwargs.get("config")
                    kwargs["config"] = path_style.merge(user) if user is not None else path_style
        return orig(self, *args, **kwargs)

    create_client._nimbus = True
    create_client.__doc__ = orig.__doc__
    Session.create_client = create_client


def install(get_request_id):
    """get_request_id(): the current invocation's id ("" outside one)."""
    global _get_request_id
    _get_request_id = get_request_id
    targets = {}
    if "logging" in sys.modules:
        _setup_logging(sys.modules["logging"])
    else:
        targets["logging"] = _setup_logging
    if "botocore.session" in sys.modules:
        _patch_botocore_session(sys.modules["botocore.session"])
    else:
        targets["botocore.session"] = _patch_botocore_session
    sys.meta_path.insert(0, _Finder(targets))
