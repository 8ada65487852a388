"""A function's unpacked code tree removed under a running nimbus (a reboot empties
the RAM directory; so may an operator or a tmpfs cleaner): the next environment
unpacks the sealed package again instead of starting over a vanished tree
(src/lambda/sealed.c, lambda__conf_ready)."""
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase  # noqa: E402
from lambdatest import create, wait_for  # noqa: E402


class VanishedCodeTree(NimbusTestCase):
    def test_cold_start_unpacks_again_when_the_tree_is_gone(self):
        c = self.nimbus.client("lambda")
        create(c, "tree-fn")
        tree = os.path.join(self.nimbus.unpack_dir(), "code", "tree-fn")
        for rnd in range(2):
            r = c.invoke(FunctionName="tree-fn", Payload=json.dumps({"round": rnd}).encode())
            self.assertNotIn("FunctionError", r)
            self.assertEqual(json.loads(r["Payload"].read())["echo"], {"round": rnd})
            # its environment goes away; so does the unpacked tree
            r = c.invoke(FunctionName="tree-fn", Payload=b'{"op":"crash"}')
            self.assertEqual(json.loads(r["Payload"].read())["errorType"], "Runtime.ExitError")
            self.assertTrue(os.path.isdir(tree), tree)
            shutil.rmtree(tree)
            r = c.invoke(FunctionName="tree-fn", Payload=json.dumps({"after": rnd}).encode())
            body = json.loads(r["Payload"].read())
            self.assertNotIn("FunctionError", r, body)
            self.assertEqual(body["echo"], {"after": rnd})
            self.assertTrue(wait_for(lambda: os.path.isdir(tree)), tree)
        self.assertIn("code unpacked from its sealed package", self.nimbus.read_log())


if __name__ == "__main__":
    unittest.main()
