"""PartiQL end to end: ExecuteStatement (SELECT / INSERT / UPDATE / DELETE
with WHERE on keys and filters, parameters), BatchExecuteStatement and
ExecuteTransaction."""
import unittest

import botocore.exceptions
from harness import NimbusTestCase


class PartiQL(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="Music",
                         AttributeDefinitions=[{"AttributeName": "Artist", "AttributeType": "S"},
                                               {"AttributeName": "Song", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"},
                                    {"AttributeName": "Song", "KeyType": "RANGE"}],
                         BillingMode="PAY_PER_REQUEST")

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def x(self, stmt, params=None):
        kw = {"Statement": stmt}
        if params is not None:
            kw["Parameters"] = params
        return self.ddb.execute_statement(**kw)

    def test_insert_select_update_delete(self):
        self.x("INSERT INTO \"Music\" VALUE {'Artist': 'Acme', 'Song': 'One', 'Year': 2001, 'Tags': <<'a', 'b'>>}")
        self.x("INSERT INTO Music VALUE {'Artist': ?, 'Song': ?, 'Year': ?}",
               [{"S": "Acme"}, {"S": "Two"}, {"N": "2005"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.x("INSERT INTO Music VALUE {'Artist': 'Acme', 'Song': 'One'}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "DuplicateItemException")
        r = self.x("SELECT * FROM Music WHERE Artist = 'Acme' AND Song = 'One'")
        self.assertEqual(r["Items"][0]["Year"], {"N": "2001"})
        self.assertEqual(set(r["Items"][0]["Tags"]["SS"]), {"a", "b"})
        r = self.x("SELECT Song FROM Music WHERE Artist = ? AND \"Year\" > ?", [{"S": "Acme"}, {"N": "2002"}])
        self.assertEqual(r["Items"], [{"Song": {"S": "Two"}}])
        r = self.x("SELECT Song FROM Music WHERE \"Year\" BETWEEN 2000 AND 2010")
        self.assertEqual(sorted(i["Song"]["S"] for i in r["Items"]), ["One", "Two"])
        self.x("UPDATE Music SET Plays = 1 SET \"Year\" = \"Year\" + 1 WHERE Artist = 'Acme' AND Song = 'Two'")
        r = self.x("SELECT * FROM Music WHERE Artist = 'Acme' AND Song = 'Two'")
        self.assertEqual(r["Items"][0]["Year"], {"N": "2006"})
        self.assertEqual(r["Items"][0]["Plays"], {"N": "1"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.x("UPDATE Music SET Plays = 2 WHERE Artist = 'Acme' AND Song = 'Missing'")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        self.x("UPDATE Music REMOVE Plays WHERE Artist = 'Acme' AND Song = 'Two'")
        self.assertNotIn("Plays", self.x("SELECT * FROM Music WHERE Artist = 'Acme' AND Song = 'Two'")["Items"][0])
        self.x("DELETE FROM Music WHERE Artist = 'Acme' AND Song = 'Two'")
        self.assertEqual(self.x("SELECT * FROM Music WHERE Artist = 'Acme' AND Song = 'Two'")["Items"], [])

    def test_select_pages_with_limit_and_next_token(self):
        for i in range(5):
            self.x("INSERT INTO Music VALUE {'Artist': 'Pager', 'Song': ?}", [{"S": "s%d" % i}])
        songs, token, pages = [], None, 0
        while True:
            kw = {"Statement": "SELECT Song FROM Music WHERE Artist = 'Pager'", "Limit": 2}
            if token:
                kw["NextToken"] = token
            r = self.ddb.execute_statement(**kw)
            pages += 1
            songs += [i["Song"]["S"] for i in r["Items"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(songs, ["s%d" % i for i in range(5)])
        self.assertEqual(pages, 3)

    def test_errors(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.x("SELEC * FROM Music")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Statement wasn't well formed", cm.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.x("SELECT * FROM Nowhere")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.x("DELETE FROM Music WHERE Song = 'x'")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Where clause does not contain a mandatory equality on all key attributes")

    def test_batch_and_transaction(self):
        out = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's1'}"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's2'}"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's1'}"}])["Responses"]
        self.assertNotIn("Error", out[0])
        self.assertEqual(out[2]["Error"]["Code"], "DuplicateItem")
        out = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT * FROM Music WHERE Artist = ? AND Song = ?", "Parameters": [{"S": "B"}, {"S": "s2"}]}])
        self.assertEqual(out["Responses"][0]["Item"]["Song"], {"S": "s2"})
        self.ddb.execute_transaction(TransactStatements=[
            {"Statement": "UPDATE Music SET n = 1 WHERE Artist = 'B' AND Song = 's1'"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's3'}"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.ddb.execute_transaction(TransactStatements=[
                {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's4'}"},
                {"Statement": "INSERT INTO Music VALUE {'Artist': 'B', 'Song': 's3'}"}])
        r = cm.exception.response
        self.assertEqual(r["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual([x["Code"] for x in r["CancellationReasons"]], ["None", "DuplicateItem"])
        self.assertEqual(self.x("SELECT * FROM Music WHERE Artist = 'B' AND Song = 's4'")["Items"], [])
        out = self.ddb.execute_transaction(TransactStatements=[
            {"Statement": "SELECT * FROM Music WHERE Artist = 'B' AND Song = 's1'"}])
        self.assertEqual(out["Responses"][0]["Item"]["n"], {"N": "1"})


if __name__ == "__main__":
    unittest.main()
