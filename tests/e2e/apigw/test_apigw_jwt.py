"""JWT authorizers of HTTP APIs end to end, with keys generated at test time:
the key set from a file (apigw.jwks_file) and from the issuer's URL
(.well-known/openid-configuration → jwks_uri); valid, expired, not-yet-valid,
wrong audience, wrong issuer, bad signature and missing tokens; scopes; the
claims in requestContext.authorizer.jwt."""
import atexit
import base64
import http.server as hs
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url  # noqa: E402

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def short_coordinate_key():
    """A P-256 key whose JWK (as PyJWT writes it) has a coordinate shorter than 32 bytes: about one
    key in 128 has a leading zero byte, which some issuers' libraries drop."""
    while True:
        k = ec.generate_private_key(ec.SECP256R1())
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(k.public_key()))
        if min(len(base64.urlsafe_b64decode(jwk[c] + "==")) for c in ("x", "y")) < 32:
            return k


EC_SHORT_KEY = short_coordinate_key()


def jwks():
    keys = []
    for kid, key, alg in (("rsa1", RSA_KEY, jwt.algorithms.RSAAlgorithm), ("ec1", EC_KEY, jwt.algorithms.ECAlgorithm),
                             ("ec-short", EC_SHORT_KEY, jwt.algorithms.ECAlgorithm)):
        k = json.loads(alg.to_jwk(key.public_key()))
        k["kid"] = kid
        keys.append(k)
    return {"keys": keys}


TMP = tempfile.mkdtemp(prefix="apigw-jwks-")
atexit.register(shutil.rmtree, TMP, True)
JWKS_FILE = os.path.join(TMP, "jwks.json")
with open(JWKS_FILE, "w") as f:
    json.dump(jwks(), f)


def token(issuer, aud="my-app", exp=600, nbf=-10, key=RSA_KEY, kid="rsa1", alg="RS256", scope="read"):
    now = int(time.time())
    claims = {"iss": issuer, "sub": "user-7", "aud": aud, "exp": now + exp, "nbf": now + nbf, "iat": now,
              "scope": scope, "email": "u7@example.com"}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


class JwtBase:
    issuer = "https://issuer.example"

    def make_api(self, scopes=None):
        gw = self.nimbus.client("apigatewayv2")
        lam = self.nimbus.client("lambda")
        if not hasattr(type(self), "fn_arn"):
            type(self).fn_arn = create_function(lam, "jwt-echo-%d" % id(self), "echo")
        api_id = gw.create_api(Name="jwt", ProtocolType="HTTP")["ApiId"]
        az = gw.create_authorizer(ApiId=api_id, AuthorizerType="JWT", Name="j",
                                  IdentitySource=["$request.header.Authorization"],
                                  JwtConfiguration={"Issuer": self.issuer, "Audience": ["my-app"]})
        iid = gw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=self.fn_arn,
                                    PayloadFormatVersion="2.0")["IntegrationId"]
        kw = {"AuthorizationScopes": scopes} if scopes else {}
        gw.create_route(ApiId=api_id, RouteKey="GET /me", Target="integrations/" + iid, AuthorizationType="JWT",
                        AuthorizerId=az["AuthorizerId"], **kw)
        gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        return invoke_url(self.nimbus.endpoint, api_id, "$default", "/me")

    def call(self, url, tok):
        return http("GET", url, headers={"Authorization": "Bearer " + tok} if tok is not None else {})

    def check_tokens(self):
        url = self.make_api()
        r = self.call(url, token(self.issuer))
        self.assertEqual(r.status, 200, r.body)
        az = r.json()["requestContext"]["authorizer"]["jwt"]
        self.assertEqual(az["claims"]["sub"], "user-7")
        self.assertEqual(az["claims"]["email"], "u7@example.com")
        self.assertEqual(az["scopes"], ["read"])
        r = self.call(url, token(self.issuer, key=EC_KEY, kid="ec1", alg="ES256"))
        self.assertEqual(r.status, 200, r.body)
        r = self.call(url, token(self.issuer, key=EC_SHORT_KEY, kid="ec-short", alg="ES256"))
        self.assertEqual(r.status, 200, r.body)
        for bad in (token(self.issuer, exp=-5), token(self.issuer, nbf=300), token(self.issuer, aud="other"),
                    token("https://evil.example"), token(self.issuer, key=OTHER_KEY), "not.a.jwt"):
            r = self.call(url, bad)
            self.assertEqual((r.status, r.json()), (401, {"message": "Unauthorized"}))
        r = self.call(url, None)
        self.assertEqual(r.status, 401)

    def check_scopes(self):
        url = self.make_api(scopes=["admin"])
        r = self.call(url, token(self.issuer, scope="read write"))
        self.assertEqual((r.status, r.json()), (403, {"message": "Forbidden"}))
        r = self.call(url, token(self.issuer, scope="read admin"))
        self.assertEqual(r.status, 200)


class JwtFromFile(JwtBase, NimbusTestCase):
    nimbus_args = ("--set", "apigw.jwks_file=" + JWKS_FILE)

    def test_tokens(self):
        self.check_tokens()

    def test_scopes(self):
        self.check_scopes()


class JwtFromIssuerUrl(JwtBase, NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        keys = json.dumps(jwks()).encode()

        class H(hs.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = json.dumps({"issuer": cls.issuer, "jwks_uri": cls.issuer + "/keys"}).encode()
                elif self.path == "/keys":
                    body = keys
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        cls.srv = hs.HTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.issuer = "http://127.0.0.1:%d" % cls.srv.server_address[1]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.srv.shutdown()

    def test_tokens(self):
        self.check_tokens()


if __name__ == "__main__":
    unittest.main()
