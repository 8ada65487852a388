"""Lambda names a function by name, name:qualifier, partial ARN
("ACCOUNT:function:NAME") or full ARN, and a layer version by ARN
(GetLayerVersionByArn). Authorization must see the function or layer the
request acts on however it is named: an explicit deny on function:guarded
holds for every form (tag operations too), GetLayerVersionByArn is authorized
on the layer version it reads, and an ARN of another region or account names
none of this daemon's functions or layers (else a deny on ours, or a grant on
that region's, would not be what applies)."""
import io
import json
import zipfile


from harness import NimbusTestCase, policy

ACCOUNT = "000000000000"


def fn_arn(name, region="us-east-1", account=ACCOUNT):
    return "arn:aws:lambda:%s:%s:function:%s" % (region, account, name)


def zip_of(name, text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, text)
    return buf.getvalue()


class FunctionArnNames(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        role = cls.iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        cls.lam = n.client("lambda")
        for name in ("guarded", "open"):
            cls.lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=role,
                                    Code={"ZipFile": zip_of("app.py", "def handler(e, c):\n    return 1\n")},
                                    Tags={"team": "red"})
        cls.layer_arn = cls.lam.publish_layer_version(
            LayerName="secretlayer", Content={"ZipFile": zip_of("python/s.py", "S = 1\n")})["LayerVersionArn"]

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("lambda", access_key=key, secret_key=secret)

    def test_explicit_deny_holds_for_every_name_form(self):
        lam = self.user("denied", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "lambda:*", "Resource": fn_arn("guarded")})
        for name in ("guarded", fn_arn("guarded"), "%s:function:guarded" % ACCOUNT):
            r = self.client_error(lambda: lam.get_function(FunctionName=name))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (name, r))
            self.assertEqual(r["Error"]["Message"],
                             "User: arn:aws:iam::%s:user/denied is not authorized to perform: lambda:GetFunction on "
                             "resource: %s with an explicit deny in an identity-based policy"
                             % (ACCOUNT, fn_arn("guarded")))
        # tag operations name the function in the path: a bare name there is the same function
        for arn in (fn_arn("guarded"), "guarded"):
            r = self.client_error(lambda: lam.list_tags(Resource=arn))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (arn, r))
            r = self.client_error(lambda: lam.tag_resource(Resource=arn, Tags={"team": "blue"}))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (arn, r))
        self.assertEqual(self.lam.list_tags(Resource=fn_arn("guarded"))["Tags"], {"team": "red"})
        self.assertEqual(lam.get_function(FunctionName=fn_arn("open"))["Configuration"]["FunctionName"], "open")

    def test_foreign_arns_name_no_function_here(self):
        lam = self.user("wide", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "lambda:*", "Resource": fn_arn("guarded")})
        for name in (fn_arn("guarded", region="eu-west-1"), fn_arn("guarded", account="123456789012"),
                     "123456789012:function:guarded"):
            for fn in (lambda: lam.get_function(FunctionName=name),
                       lambda: lam.invoke(FunctionName=name, Payload=b"{}"),
                       lambda: lam.delete_function(FunctionName=name)):
                r = self.client_error(fn)
                self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException", (name, r))
        for arn in (fn_arn("guarded", region="eu-west-1"), fn_arn("guarded", account="123456789012")):
            r = self.client_error(lambda: lam.list_tags(Resource=arn))
            self.assertNotEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200, r)
        self.assertEqual(self.lam.get_function(FunctionName="guarded")["Configuration"]["FunctionName"], "guarded")

    def test_layer_by_arn_authorizes_the_layer(self):
        lam = self.user("layers", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "lambda:GetLayerVersion", "Resource": self.layer_arn})
        r = self.client_error(lambda: lam.get_layer_version_by_arn(Arn=self.layer_arn))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(r["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/layers is not authorized to perform: lambda:GetLayerVersion on "
                         "resource: %s with an explicit deny in an identity-based policy" % (ACCOUNT, self.layer_arn))
        r = self.client_error(lambda: lam.get_layer_version(LayerName="secretlayer", VersionNumber=1))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        foreign = self.layer_arn.replace("us-east-1", "eu-west-1")
        r = self.client_error(lambda: lam.get_layer_version_by_arn(Arn=foreign))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException", r)
        self.assertEqual(self.lam.get_layer_version_by_arn(Arn=self.layer_arn)["Version"], 1)

    def test_destination_needs_the_execution_roles_permission(self):
        # nimbus invokes a destination with the function's role: a caller able to configure
        # its own function must not get another function invoked that the role may not invoke
        want = ("The function execution role does not have permissions to call InvokeFunction on %s"
                % fn_arn("guarded"))
        for dest in ({"OnSuccess": {"Destination": fn_arn("guarded")}},
                     {"OnFailure": {"Destination": fn_arn("guarded")}}):
            r = self.client_error(lambda: self.lam.put_function_event_invoke_config(FunctionName="open",
                                                                             DestinationConfig=dest))
            self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException", r)
            self.assertEqual(r["Error"]["Message"], want)
            r = self.client_error(lambda: self.lam.update_function_event_invoke_config(FunctionName="open",
                                                                                DestinationConfig=dest))
            self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException", r)
        self.assertEqual(self.client_error(lambda: self.lam.get_function_event_invoke_config(FunctionName="open"))
                         ["Error"]["Code"], "ResourceNotFoundException")
        self.iam.put_role_policy(RoleName="fn-role", PolicyName="dest", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn("guarded")}))
        try:
            out = self.lam.put_function_event_invoke_config(
                FunctionName="open", DestinationConfig={"OnSuccess": {"Destination": fn_arn("guarded")}})
            self.assertEqual(out["DestinationConfig"]["OnSuccess"]["Destination"], fn_arn("guarded"))
        finally:
            self.iam.delete_role_policy(RoleName="fn-role", PolicyName="dest")
            self.lam.delete_function_event_invoke_config(FunctionName="open")
