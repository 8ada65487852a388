"""_nimbus_context.py — the `context` object handed to Python handlers, with
the attributes and methods of Lambda's LambdaContext: aws_request_id,
function_name, function_version, invoked_function_arn, memory_limit_in_mb
(a string, as on Lambda), log_group_name, log_stream_name, identity
(cognito_identity_id, cognito_identity_pool_id), client_context (custom, env,
client) and get_remaining_time_in_millis().
"""

import os
import sys
import time

_env = os.environ


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
