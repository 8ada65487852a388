"""apigw_setup.py ENDPOINT WORKDIR NODE_MODULES [node|native] — the seed's API on nimbus: the
users-get handler as a Node.js function (examples/functions/users-get, its
node_modules a symlink to NODE_MODULES, so nimbus must run with
lambda.isolate=0) and as a native C function (bench/lib/users_get_native.c),
each behind an HTTP API route GET /users/{id} ($default stage, auto-deploy).
Users must already be loaded (ddb_load.py). Prints: RESULT node API_ID and
RESULT native API_ID (only the one asked for, when a kind is given)."""
import io, os, subprocess, sys, zipfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lambda_fn

endpoint, work, node_modules = sys.argv[1:4]
kinds = sys.argv[4:] or ["node", "native"]
os.makedirs(work, exist_ok=True)
so = os.path.join(work, "users_get_native.so")
subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", so, os.path.join(lambda_fn.ROOT, "bench", "lib", "users_get_native.c"),
                "-I" + os.path.join(lambda_fn.ROOT, "include")], check=True)
zn = io.BytesIO()
with zipfile.ZipFile(zn, "w") as z:
    info = zipfile.ZipInfo("index.js"); info.external_attr = 0o100644 << 16
    z.writestr(info, open(os.path.join(lambda_fn.EX, "users-get", "index.js")).read())
    link = zipfile.ZipInfo("node_modules"); link.external_attr = 0o120777 << 16
    z.writestr(link, node_modules)
zc = io.BytesIO()
with zipfile.ZipFile(zc, "w") as z:
    z.write(so, "handler.so")
lam = lambda_fn.client(endpoint)
import boto3
gw = boto3.client("apigatewayv2", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                  aws_secret_access_key="test")
for kind, rt, handler, code in (("node", "nodejs20.x", "index.handler", zn.getvalue()),
                                ("native", "nimbus.native", "handler.so", zc.getvalue())):
    if kind not in kinds:
        continue
    name = "users-get-" + kind
    arn = lam.create_function(FunctionName=name, Runtime=rt, Handler=handler, Code={"ZipFile": code},
                              Role="arn:aws:iam::000000000000:role/lambda", Timeout=30,
                              MemorySize=256)["FunctionArn"]
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})
    api = gw.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    iid = gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                PayloadFormatVersion="2.0")["IntegrationId"]
    gw.create_route(ApiId=api, RouteKey="GET /users/{id}", Target="integrations/" + iid)
    gw.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    print("RESULT %s %s" % (kind, api))
