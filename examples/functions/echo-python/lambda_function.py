"""echo-python — returns its event unchanged (Handler: lambda_function.lambda_handler)."""


def lambda_handler(event, context):
    return event
