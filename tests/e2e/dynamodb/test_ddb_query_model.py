"""Query against a model: random items with awkward sort keys (negative and
fractional numbers, long decimals, UTF-8 and NUL characters, binary), every
sort-key operator in both directions with small pages, on the table and on
a GSI/LSI whose entries carry the base key after the index key. Results must
equal what sorting in Python gives."""
import decimal
import random
import unittest

from harness import NimbusTestCase

D = decimal.Decimal


def nums(rng):
    out = set()
    while len(out) < 40:
        out.add(str(D(rng.choice(["-", ""]) + str(rng.randint(0, 10 ** rng.randint(0, 6))) +
                      rng.choice(["", "." + str(rng.randint(0, 999))])).normalize()))
    out |= {"0", "-0.001", "0.001", "123456789012345678901234567890", "-1E+5"}
    by_value = {}
    for x in out:            # "1E+2" and "100" are the same number (and the same key)
        by_value.setdefault(D(x), x)
    return sorted(by_value.values(), key=D)


def strs(rng):
    alphabet = ["a", "b", "z", "A", "0", "\u00e9", "\u4e2d", "\x00", " ", "~", "\U0001F600"]
    out = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(40)}
    return sorted(out, key=lambda s: s.encode("utf-8"))


class QueryModel(NimbusTestCase):
    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")
        self.rng = random.Random(20261128)

    def pages(self, **kw):
        items, start = [], None
        while True:
            if start:
                kw["ExclusiveStartKey"] = start
            r = self.ddb.query(Limit=7, **kw)
            items += r["Items"]
            start = r.get("LastEvaluatedKey")
            if not start:
                return items

    def check(self, table, index, hk, hv, sk, t, values, conv, extra_kw=None):
        cases = [("=", 1), ("<", 1), ("<=", 1), (">", 1), (">=", 1), ("BETWEEN", 2)]
        if t == "S":
            cases.append(("begins_with", 1))
        for op, n in cases:
            for _ in range(4):
                a, b = sorted(self.rng.sample(values, 2), key=conv)
                if op == "BETWEEN":
                    cond, ev = "#h = :h AND #s BETWEEN :a AND :b", {":a": {t: a}, ":b": {t: b}}
                    want = [v for v in values if conv(a) <= conv(v) <= conv(b)]
                elif op == "begins_with":
                    p = a[:1]
                    cond, ev = "#h = :h AND begins_with(#s, :a)", {":a": {t: p}}
                    want = [v for v in values if v.encode("utf-8").startswith(p.encode("utf-8"))]
                else:
                    cond, ev = "#h = :h AND #s %s :a" % op, {":a": {t: a}}
                    f = {"=": lambda x: x == conv(a), "<": lambda x: x < conv(a), "<=": lambda x: x <= conv(a),
                         ">": lambda x: x > conv(a), ">=": lambda x: x >= conv(a)}[op]
                    want = [v for v in values if f(conv(v))]
                want = sorted(want, key=conv)
                for forward in (True, False):
                    kw = dict(TableName=table, KeyConditionExpression=cond, ScanIndexForward=forward,
                              ExpressionAttributeNames={"#h": hk, "#s": sk},
                              ExpressionAttributeValues=dict(ev, **{":h": hv}))
                    if index:
                        kw["IndexName"] = index
                    got = [i[sk][t] for i in self.pages(**kw)]
                    exp = want if forward else list(reversed(want))
                    if t == "N":
                        got = [D(x) for x in got]
                        exp = [D(x) for x in exp]
                    self.assertEqual(got, exp, (table, index, op, a, b, forward))

    def test_numbers_and_strings_on_table_gsi_lsi(self):
        ddb = self.ddb
        ddb.create_table(
            TableName="Model",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "n", "AttributeType": "N"},
                                  {"AttributeName": "s", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
            LocalSecondaryIndexes=[{"IndexName": "ByS", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                      {"AttributeName": "s", "KeyType": "RANGE"}],
                                    "Projection": {"ProjectionType": "ALL"}}],
            GlobalSecondaryIndexes=[{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                                       {"AttributeName": "n", "KeyType": "RANGE"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        nvals = nums(self.rng)
        svals = strs(self.rng)
        while len(svals) < len(nvals):
            svals.append("pad%03d" % len(svals))
        svals = sorted(svals[:len(nvals)], key=lambda s: s.encode("utf-8"))
        shuffled = list(zip(nvals, self.rng.sample(svals, len(svals))))
        batch = []
        for n, s in shuffled:
            batch.append({"PutRequest": {"Item": {"pk": {"S": "p"}, "n": {"N": n}, "s": {"S": s}, "g": {"S": "G"}}}})
            if len(batch) == 25:
                ddb.batch_write_item(RequestItems={"Model": batch})
                batch = []
        if batch:
            ddb.batch_write_item(RequestItems={"Model": batch})
        # neighbours in other partitions must never leak into a result
        for other in ("o", "p\x00", "pp"):
            ddb.put_item(TableName="Model", Item={"pk": {"S": other}, "n": {"N": "1"}, "s": {"S": "a"}, "g": {"S": "G\x00"}})
        self.check("Model", None, "pk", {"S": "p"}, "n", "N", nvals, D)
        self.check("Model", "ByS", "pk", {"S": "p"}, "s", "S", svals, lambda s: s.encode("utf-8"))
        self.check("Model", "ByG", "g", {"S": "G"}, "n", "N", nvals, D)


if __name__ == "__main__":
    unittest.main()
