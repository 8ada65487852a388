"""ddb_rows.py — what the DynamoDB row tables (test_ddb_ncf_items.py,
test_ddb_ncf_reads.py, test_ddb_alt_data.py, test_ddb_ls_alt_control.py) share: a raw call, the check of an error answer (status
400, the __type's last part, the message exact, by pattern, or unchecked), the
creation of their tables, the put of their SETUP items, one operation's rows run as subtests, and the
helpers their rows are written with (S, err, ok, ks, ad, table)."""
import re


class RowsMixin:
    """For a NimbusTestCase whose module has CHECKS rows (op, what, source, body,
    want) and a check(op, body, want) of its own for the non-error answers."""

    def raw(self, op, body):
        return self.nimbus.ddb_call(op, body)

    def assert_error(self, status, out, code, msg):
        self.assertEqual((status, out.get("__type", "").split("#")[-1]), (400, code), out)
        got = out.get("message", out.get("Message"))
        if isinstance(msg, re.Pattern):
            self.assertRegex(got, msg)
        elif msg is not None:
            self.assertEqual(got, msg)

    def ok(self, op, body):
        """A call that must answer 200: its decoded reply."""
        status, out = self.raw(op, body)
        self.assertEqual(status, 200, (op, out))
        return out

    def assert_want(self, status, out, want, msg=None):
        """The answer a row wants: err(...) (msg, when given, replaces its message) or ok(members)."""
        if want[0] == "E":
            self.assert_error(status, out, want[1], want[2] if msg is None else msg)
        else:
            self.assertEqual(status, 200, out)
            self.assertEqual({m: out.get(m) for m in want[1]}, want[1])

    def run_rows(self, checks, *ops):
        rows = [c for c in checks if c[0] in ops]
        self.assertTrue(rows)
        for op, what, _src, body, want in rows:
            with self.subTest(op=op, check=what):
                self.check(op, body, want)


def create_tables(nimbus, tables):
    """CreateTable of every request body of tables; fails loudly on the first refusal."""
    for t in tables:
        status, out = nimbus.ddb_call("CreateTable", t)
        assert status == 200, out


def put_setup(nimbus, setup):
    """PutItem of every (table, item) of setup; fails loudly on the first refusal."""
    for table, item in setup:
        status, out = nimbus.ddb_call("PutItem", {"TableName": table, "Item": item})
        assert status == 200, out


def S(v):
    return {"S": v}


def err(code, msg=None):
    """An error: the exact message (str), a pattern of it (re.Pattern) or the code only (None)."""
    return ("E", code, msg)


def ok(**members):
    """A 200 whose named members equal these."""
    return ("R", members)


def ks(h, r=None):
    return [{"AttributeName": h, "KeyType": "HASH"}] + ([{"AttributeName": r, "KeyType": "RANGE"}] if r else [])


def ad(*pairs):
    return [{"AttributeName": n, "AttributeType": t} for n, t in pairs]


def table(name, keys, defs, **extra):
    """A CreateTable request, on demand unless extra says otherwise."""
    body = {"TableName": name, "KeySchema": keys, "AttributeDefinitions": defs}
    if "ProvisionedThroughput" not in extra:
        body["BillingMode"] = "PAY_PER_REQUEST"
    body.update(extra)
    return body
