"""DynamoDB PartiQL conformance table (issue 3: zero known divergence).

CHECKS is one row per behaviour of ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction: the raw request (sent as is, so requests boto3 would
refuse still reach the server) and what real DynamoDB answers: an error code
and message, or members of the reply. Rows of a group run in order (some write
what a later row reads); each row names its source:

  [DOC]  AWS's PartiQL pages, docs.aws.amazon.com/amazondynamodb/latest/developerguide/
         ql-reference.select / .insert / .update / .delete / .multiplestatements.* and
         ql-functions.* (EXISTS, BEGINS_WITH, MISSING, ATTRIBUTE_TYPE, CONTAINS, SIZE)
  [NCF]  nubo-db/dynamodb-conformance, tests/tier2/partiql/*.test.ts and
         tests/tier3/error-messages/partiql*.test.ts: messages pinned against real AWS (eu-west-2);
         "[NCF] functions" is its file of PartiQL function messages (same folder, October 2026)
  [DYX]  nubo-db/dynoxide tests (execute_transaction.rs, batch_statement_member_fields.rs),
         the cases it marks as captured against real DynamoDB
  [MOTO] getmoto/moto tests/test_dynamodb/test_dynamodb_statements.py
  [DDBL] AWS's DynamoDB Local (its BatchExecuteStatementFunction / ExecuteTransactionFunction
         messages), where no capture of the service itself was found
  [BOTO] botocore's dynamodb service-2.json (member limits)
  [LOAD] a load-test script in the search corpus (locust AqpUser) noting AWS's refusal of a repeated IN value
         "[NCF] grammar" is its file of PartiQL grammar messages (tier3 error-messages, October 2026)

The list (group: check — source):
  ExecuteStatement: SELECT by the whole key (GetItem) — [DOC] ql-reference.select
  ExecuteStatement: SELECT on the partition key reads the partition in key order (Query) — [DOC] ql-reference.select
  ExecuteStatement: SELECT without WHERE reads the table (Scan) — [DOC] ql-reference.select
  ExecuteStatement: ORDER BY the sort key DESC reads the partition backwards — [DOC] ql-reference.select
  ExecuteStatement: SELECT of a missing key gives no items — [NCF] executeStatement.test.ts
  ExecuteStatement: Limit stops the page and gives a NextToken — [DOC] API_ExecuteStatement
  ExecuteStatement: Limit 0 — [BOTO] (Limit min 1)
  ExecuteStatement: a nested path in the SELECT list is named by its last component — [NCF] executeStatement.test.ts
  ExecuteStatement: projection of named attributes only — [NCF] executeStatement.test.ts
  ExecuteStatement: nested path and list index in WHERE — [DOC] ql-reference.select
  ExecuteStatement: begins_with on the sort key — [NCF] executeStatement.test.ts; [DOC] ql-functions.beginswith
  ExecuteStatement: contains on a set — [DOC] ql-functions.contains
  ExecuteStatement: size of a list — [DOC] ql-functions.size
  ExecuteStatement: attribute_type — [DOC] ql-functions.attribute_type
  ExecuteStatement: IS MISSING — [DOC] ql-functions.missing
  ExecuteStatement: IN list on the sort key — [DOC] ql-operators
  ExecuteStatement: SELECT from an index — [DOC] ql-reference.select ("Table"."Index")
  ExecuteStatement: an index the table lacks — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: a FROM path of three components — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: an empty index component — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: an empty table component — [NCF] partiql.test.ts
  ExecuteStatement: ConsistentRead on a global index — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: an unknown table — [NCF] partiql.test.ts; [MOTO]
  ExecuteStatement: a misspelt keyword — [NCF] batchExecuteStatement.test.ts
  ExecuteStatement: an unterminated quoted name — [NCF] partiql.test.ts
  ExecuteStatement: an empty statement — [BOTO] (PartiQLStatement min 1)
  ExecuteStatement: a statement over 8192 characters — [BOTO] (PartiQLStatement max 8192)
  ExecuteStatement: an empty Parameters list — [BOTO] (PreparedStatementParameters min 1)
  ExecuteStatement: too few parameters — [DDBL] (recorded), the unit tests' message
  ExecuteStatement: comments and a trailing semicolon — [DDBL] (recorded)
  ExecuteStatement: INSERT of a new key — [DOC] ql-reference.insert
  ExecuteStatement: INSERT with parameters — [NCF] executeStatement.test.ts
  ExecuteStatement: INSERT of an existing key — [NCF] executeStatement.test.ts; [DYX]
  ExecuteStatement: INSERT of an item over 400 KB — [DOC] ServiceQuotas (item size)
  ExecuteStatement: UPDATE SET with arithmetic, RETURNING MODIFIED NEW — [DOC] ql-reference.update
  ExecuteStatement: UPDATE RETURNING ALL OLD — [DOC] ql-reference.update
  ExecuteStatement: UPDATE REMOVE, RETURNING ALL NEW — [DOC] ql-reference.update; [NCF] batchExecuteStatement.test.ts
  ExecuteStatement: UPDATE of a missing item — [DDBL] (recorded "update a row that does not exist")
  ExecuteStatement: UPDATE whose condition fails, ReturnValuesOnConditionCheckFailure ALL_OLD — [BOTO]; [DDBL]
      (recorded)
  ExecuteStatement: MODIFIED NEW of a nested path gives the changed leaf only — [NCF] tier2 executeStatement.test.ts
      (RETURNING, AWS eu-west-2)
  ExecuteStatement: MODIFIED NEW of list elements packs them in index order — [NCF] tier2 executeStatement.test.ts
      (RETURNING, AWS eu-west-2)
  ExecuteStatement: MODIFIED NEW of an append past the end gives no item — [NCF] tier2 executeStatement.test.ts
      (RETURNING, AWS eu-west-2)
  ExecuteStatement: MODIFIED OLD of a removed list element gives it — [NCF] tier2 executeStatement.test.ts
      (RETURNING, AWS eu-west-2)
  ExecuteStatement: MODIFIED OLD of a new attribute gives no item — [NCF] tier2 executeStatement.test.ts (RETURNING,
      AWS eu-west-2)
  ExecuteStatement: DELETE whose predicate is false — [NCF] tier2 executeStatement.test.ts (RETURNING, AWS eu-west-2)
  ExecuteStatement: DELETE of a missing key with a predicate succeeds — [NCF] tier2 executeStatement.test.ts
      (RETURNING, AWS eu-west-2)
  ExecuteStatement: DELETE RETURNING ALL OLD — [DOC] ql-reference.delete; [NCF] batchExecuteStatement.test.ts
  ExecuteStatement: DELETE of a missing item succeeds — [DDBL] (recorded "delete a row that does not exist")
  ExecuteStatement: DELETE RETURNING MODIFIED OLD — [NCF] partiql.test.ts
  ExecuteStatement: DELETE RETURNING ALL NEW — [NCF] partiql.test.ts
  ExecuteStatement: DELETE without the whole key — [DYX] partiql_important_fixes.rs
  ExecuteStatement: EXISTS outside a transaction — [DDBL] BatchExecuteStatementFunction
  ExecuteStatement: ReturnConsumedCapacity of a read — [NCF] executeStatement.test.ts; [DYX] (0.5 an eventual read)
  ExecuteStatement: an ordering comparison with BOOL — [NCF] partiql.test.ts, comparison.test.ts
  ExecuteStatement: BETWEEN with BOOL — [NCF] comparison.test.ts
  ExecuteStatement: an ordering comparison of S with N is allowed — [NCF] comparison.test.ts
  ExecuteStatement: a set equals its permutation — [NCF] comparison.test.ts
  ExecuteStatement: attribute_exists of a string literal — [NCF] functions
  ExecuteStatement: attribute_exists of two operands — [NCF] functions
  ExecuteStatement: a function in the SELECT list — [NCF] functions
  ExecuteStatement: EXISTS(path) in WHERE is no function — [NCF] functions
  ExecuteStatement: set_add in WHERE — [NCF] functions
  ExecuteStatement: set_add in an INSERT value — [NCF] functions
  ExecuteStatement: set_add adds to a set — [DOC] ql-functions.set_add
  ExecuteStatement: set_delete removes from a set — [DOC] ql-functions.set_delete
  ExecuteStatement: set_add assigned to another attribute — [NCF] functions
  ExecuteStatement: set_add of a string — [NCF] functions
  ExecuteStatement: set_add with one argument — [NCF] functions
  ExecuteStatement: set_add with three arguments — [NCF] functions
  ExecuteStatement: set_add of a number to a string set — [NCF] functions
  ExecuteStatement: set_add of a set with a repeated member — [NCF] functions
  ExecuteStatement: set_add of an empty set — [NCF] functions
  ExecuteStatement: set_delete of a string — [NCF] functions
  ExecuteStatement: a filter on an attribute the index does not project — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: a SELECT list attribute the global index does not project — [NCF] partiqlIndexQualifier.test.ts
  ExecuteStatement: SELECT * of a KEYS_ONLY local index gives its keys only — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: a local index serves an attribute it lacks from the table — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: a keyed local index read filtering on an attribute it lacks — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: an unkeyed index read filtering on an attribute it lacks matches nothing — [NCF] indexQualifier
  ExecuteStatement: a negated filter on an attribute the index lacks matches every row — [NCF] indexQualifier
  ExecuteStatement: IN on the index partition key counts as keyed — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: a negated keyed filter on an attribute the index lacks — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: a filter inside an OR branch is not keyed — [NCF] tier2 indexQualifier.test.ts
  ExecuteStatement: a token left after the WHERE clause — [NCF] grammar
  ExecuteStatement: a number split from its exponent — [NCF] grammar
  ExecuteStatement: a stray closing parenthesis — [NCF] grammar
  ExecuteStatement: ORDER BY on a DELETE — [NCF] grammar
  ExecuteStatement: an exponent beyond 32 bits — [NCF] grammar
  ExecuteStatement: a hash comment — [NCF] grammar
  ExecuteStatement: an unterminated block comment — [NCF] grammar
  ExecuteStatement: an alias on a SELECT — [NCF] grammar
  ExecuteStatement: an AS alias on an UPDATE — [NCF] grammar
  ExecuteStatement: an alias on an INSERT — [NCF] grammar
  ExecuteStatement: a WHERE number above the largest — [NCF] grammar
  ExecuteStatement: a number too small inside a map — [NCF] grammar
  ExecuteStatement: 39 digits inside a list — [NCF] grammar
  ExecuteStatement: WHERE with nothing after it — [NCF] grammar
  ExecuteStatement: a condition ending in AND — [NCF] grammar
  ExecuteStatement: WHERE followed by ORDER BY — [NCF] grammar
  ExecuteStatement: IS with a name that is no type — [NCF] grammar
  ExecuteStatement: LIKE where an operand belongs — [NCF] grammar
  ExecuteStatement: DELETE FROM with no table — [NCF] grammar
  ExecuteStatement: SELECT * FROM with no table — [NCF] grammar
  ExecuteStatement: OR branches of one partition whose sort ranges meet — [NCF] grammar
  ExecuteStatement: a <> branch beside a sort-key branch of one partition — [NCF] grammar
  ExecuteStatement: a partition key value twice in IN — a load-test script's note of AWS's answer to a repeated IN
      value (search corpus, locust AqpUser)
  ExecuteStatement: a negated sort-key branch is not refused — [NCF] tier2 PartiQL OR branches with a negated sort-
      key condition (AWS, October 2026)
  ExecuteStatement: disjoint sort-key branches run — [NCF] tier2 PartiQL OR branches with a negated sort-key
      condition (AWS, October 2026)
  ExecuteStatement: FROM ... WHERE ... SET updates — [NCF] grammar
  ExecuteStatement: FROM ... SET without WHERE — [NCF] grammar
  ExecuteStatement: FROM ... SET with the WHERE after it — [NCF] grammar
  ExecuteStatement: NOT before a key equality filters instead of pinning the key — [DOC] ql-operators (NOT)
  BatchExecuteStatement: reads by key, one missing — [MOTO]; [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: a read without the key, one of an unknown table — [MOTO]; [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: a read with a condition beyond the key — [NCF] partiqlFunctions exact messages
  BatchExecuteStatement: a read of an index — [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: a malformed statement fails alone — [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: an empty WHERE is that statement's error — [NCF] grammar
  BatchExecuteStatement: reads and writes together — [DDBL] BatchExecuteStatementFunction
  BatchExecuteStatement: writes, one duplicate and one failed condition, each with its table — [NCF]; [DYX]
  BatchExecuteStatement: DELETE RETURNING ALL OLD gives the item — [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: an empty MODIFIED NEW gives no Item — [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: DELETE RETURNING MODIFIED OLD is that statement's error — [NCF] batchExecuteStatement.test.ts
  BatchExecuteStatement: EXISTS in a batch — [DDBL] BatchExecuteStatementFunction
  BatchExecuteStatement: ConsistentRead per statement in ConsumedCapacity — [DYX] batch_statement_member_fields.rs
  BatchExecuteStatement: an empty statement refuses the batch — [BOTO] (PartiQLStatement min 1); [DDBL]
  BatchExecuteStatement: 26 statements — [BOTO] (Statements max 25)
  BatchExecuteStatement: no statements — [BOTO] (Statements min 1); [NCF]
  ExecuteTransaction: writes applied together — [NCF] executeTransaction.test.ts
  ExecuteTransaction: reads give an Item or {} per statement — [DDBL] (recorded "a transaction of reads")
  ExecuteTransaction: reads and writes together — [DYX] execute_transaction.rs; [DDBL]
  ExecuteTransaction: an empty WHERE names the statement — [NCF] grammar
  ExecuteTransaction: RETURNING — [NCF] partiql.test.ts
  ExecuteTransaction: an index read — [NCF] partiqlIndexQualifier.test.ts
  ExecuteTransaction: a read not of one key — [NCF] partiqlFunctions exact messages
  ExecuteTransaction: EXISTS with no condition beyond the key — [NCF] partiqlFunctions exact messages
  ExecuteTransaction: cancellation reasons in statement order — [DOC] API_ExecuteTransaction; [NCF]
  ExecuteTransaction: a false EXISTS cancels — [DOC] ql-reference.multiplestatements.transactions
  ExecuteTransaction: two statements on one item — [DYX] execute_transaction.rs
  ExecuteTransaction: 101 statements — [BOTO] (TransactStatements max 100)
  ExecuteTransaction: a ClientRequestToken of 37 characters — [BOTO] (max 36); [DYX]
  ExecuteTransaction: ReturnConsumedCapacity counts two units a write — [NCF] executeTransaction.test.ts; [DYX]
  ExecuteTransaction: ReturnConsumedCapacity counts two units a read — [DYX] execute_transaction.rs; [NCF]
      executeTransaction.test.ts and getItem/consumedCapacity.test.ts: a transactional entry names its side,
      WriteCapacityUnits or ReadCapacityUnits, beside CapacityUnits (non-transactional ones do not)
test_client_request_token and test_paging add what a row cannot express.
"""
import re
import unittest

from harness import NimbusTestCase

V = "ValidationException"
CCF = "ConditionalCheckFailedException"
WELL = "Statement wasn't well formed, can't be processed: "
ANY = object()   # the member is present, whatever its value


def S(s):
    return {"S": s}


def N(n):
    return {"N": str(n)}


A = {"pk": S("a"), "n": N(5), "s": S("hello"), "m": {"M": {"k": S("v")}}, "l": {"L": [N(1), S("x")]},
     "ss": {"SS": ["a", "b"]}}
B = {"pk": S("b"), "n": N(7)}
C = {"pk": S("c"), "s": S("world")}
R = [{"pk": S("p"), "sk": N(k), "gk": S("g"), "v": N(k * 10)} for k in (1, 2, 3)]
SETUP = [("PQH", A), ("PQH", B), ("PQH", C)] + [("PQR", r) for r in R] + \
        [("PQH", {"pk": S(k), "n": N(0)}) for k in ("u1", "u2", "d1", "bu1", "bd1", "bd2", "t1", "tok")] + \
        [("PQH", {"pk": S("sa"), "st": {"SS": ["a", "b"]}})] + \
        [("PQH", {"pk": S("rl"), "tags": {"L": [S("a"), S("b"), S("c")]},
                  "pr": {"M": {"sub": S("old"), "sib": S("keep")}}})] + \
        [("PQL", {"pk": S("p"), "sk": S("s%d" % k), "np": S("np%d" % k), **({"lsk": S("l%d" % k)} if k < 3 else {})})
         for k in (1, 2, 3)]


def at(stmt, token, length=None, after=None):
    """DynamoDB's "<line>:<column>:<length>" of token in stmt (first at or after `after`)."""
    i = stmt.index(token, stmt.index(after) if after else 0)
    return "1:%d:%d" % (i + 1, length or len(token))


def bad(stmt, message_fn, params=None):
    """A row whose message names a place in its own statement."""
    return es(stmt, params), err(V, message_fn(stmt))


def err(code, msg, **extra):
    return ("E", code, msg, extra)


def ok(**members):
    """The reply's members equal these (None: absent; ANY: present)."""
    return ("R", members)


def es(stmt, params=None, **kw):
    body = {"Statement": stmt}
    if params is not None:
        body["Parameters"] = params
    body.update(kw)
    return body


def batch(*stmts, **kw):
    body = {"Statements": [s if isinstance(s, dict) else {"Statement": s} for s in stmts]}
    body.update(kw)
    return body


def txn(*stmts, **kw):
    body = {"TransactStatements": [s if isinstance(s, dict) else {"Statement": s} for s in stmts]}
    body.update(kw)
    return body


BATCH_KEY = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
TXN_KEY = ("Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify "
           "the primary key in the where clause.")
LEFTOVER = WELL + "Unexpected token after expression"
OVERLAP = "Overlapping conditions with range keys are not supported in where clause"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
CANCEL = "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]"

CHECKS = [
    # ---- ExecuteStatement: reads ---------------------------------------------------------------------------------
    ("ExecuteStatement", "SELECT by the whole key (GetItem)", "[DOC] ql-reference.select",
     es("SELECT * FROM \"PQH\" WHERE pk = 'a'"), ok(Items=[A], NextToken=None)),
    ("ExecuteStatement", "SELECT on the partition key reads the partition in key order (Query)", "[DOC]",
     es("SELECT * FROM PQR WHERE pk = ?", [S("p")]), ok(Items=R)),
    ("ExecuteStatement", "SELECT without WHERE reads the table (Scan)", "[DOC]",
     es("SELECT sk FROM PQR"), ok(Items=[{"sk": r["sk"]} for r in R])),
    ("ExecuteStatement", "ORDER BY the sort key DESC reads the partition backwards", "[DOC]",
     es("SELECT sk FROM PQR WHERE pk = 'p' ORDER BY sk DESC"), ok(Items=[{"sk": r["sk"]} for r in reversed(R)])),
    ("ExecuteStatement", "SELECT of a missing key gives no items", "[NCF]",
     es("SELECT * FROM PQH WHERE pk = 'nobody'"), ok(Items=[])),
    ("ExecuteStatement", "Limit stops the page and gives a NextToken", "[DOC] API_ExecuteStatement",
     es("SELECT sk FROM PQR WHERE pk = 'p'", Limit=2), ok(Items=[{"sk": N(1)}, {"sk": N(2)}], NextToken=ANY)),
    ("ExecuteStatement", "Limit 0", "[BOTO]",
     es("SELECT * FROM PQR", Limit=0),
     err(V, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1")),
    ("ExecuteStatement", "a nested path in the SELECT list is named by its last component", "[NCF]",
     es("SELECT m.k, l[1] FROM PQH WHERE pk = 'a'"), ok(Items=[{"k": S("v"), "l": S("x")}])),
    ("ExecuteStatement", "projection of named attributes only", "[NCF]",
     es("SELECT pk, n, nothing FROM PQH WHERE pk = 'a'"), ok(Items=[{"pk": S("a"), "n": N(5)}])),
    ("ExecuteStatement", "nested path and list index in WHERE", "[DOC]",
     es("SELECT pk FROM PQH WHERE m.k = 'v' AND l[0] = 1"), ok(Items=[{"pk": S("a")}])),
    ("ExecuteStatement", "begins_with on the sort key", "[NCF]",
     es("SELECT sk FROM PQR WHERE pk = 'p' AND begins_with(gk, 'g') AND sk >= 2"),
     ok(Items=[{"sk": N(2)}, {"sk": N(3)}])),
    ("ExecuteStatement", "contains on a set", "[DOC]",
     es("SELECT pk FROM PQH WHERE contains(ss, 'b')"), ok(Items=[{"pk": S("a")}])),
    ("ExecuteStatement", "size of a list", "[DOC]",
     es("SELECT pk FROM PQH WHERE size(l) = 2"), ok(Items=[{"pk": S("a")}])),
    ("ExecuteStatement", "attribute_type", "[DOC]",
     es("SELECT pk FROM PQH WHERE attribute_type(s, 'S') AND s <> 'hello'"), ok(Items=[{"pk": S("c")}])),
    ("ExecuteStatement", "IS MISSING", "[DOC]",
     es("SELECT pk FROM PQH WHERE n IS MISSING AND attribute_exists(s)"), ok(Items=[{"pk": S("c")}])),
    ("ExecuteStatement", "IN list on the sort key", "[DOC]",
     es("SELECT v FROM PQR WHERE pk = 'p' AND sk IN [1, 3]"), ok(Items=[{"v": N(10)}, {"v": N(30)}])),
    ("ExecuteStatement", "SELECT from an index", "[DOC]",
     es("SELECT sk FROM \"PQR\".\"gix\" WHERE gk = 'g'"), ok(Items=[{"sk": r["sk"]} for r in R])),
    ("ExecuteStatement", "an index the table lacks", "[NCF]",
     es("SELECT * FROM \"PQR\".\"nope\" WHERE pk = 'p'"), err(V, "The table does not have the specified index")),
    ("ExecuteStatement", "a FROM path of three components", "[NCF]",
     es("SELECT * FROM \"PQR\".\"gix\".\"extra\" WHERE pk = 'p'"),
     err(V, "A path may contain at most 2 components in the FROM clause")),
    ("ExecuteStatement", "an empty index component", "[NCF]",
     es("SELECT * FROM \"PQR\".\"\" WHERE pk = 'p'"), err(V, "Path component cannot be an empty string")),
    ("ExecuteStatement", "an empty table component", "[NCF]",
     es("SELECT * FROM \"\" WHERE pk = 'p'"), err(V, "Path component cannot be an empty string")),
    ("ExecuteStatement", "ConsistentRead on a global index", "[NCF]",
     es("SELECT * FROM \"PQR\".\"gix\" WHERE gk = 'g'", ConsistentRead=True),
     err(V, "Strongly consistent read is not supported on Global Secondary Indexes")),
    ("ExecuteStatement", "an unknown table", "[NCF]",
     es("SELECT * FROM \"Nowhere\" WHERE pk = 'p'"), err("ResourceNotFoundException", "Requested resource not found")),
    ("ExecuteStatement", "a misspelt keyword", "[NCF]",
     es("SLECT * FROM \"PQH\" WHERE pk = 'a'"), err(V, WELL + "Expected data manipulation")),
    ("ExecuteStatement", "an unterminated quoted name", "[NCF]",
     es("SELECT * FROM \"PQH"), err(V, re.compile("^" + re.escape(WELL)))),
    ("ExecuteStatement", "an empty statement", "[BOTO] (PartiQLStatement min 1)",
     es(""), err(V, "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: "
                    "Member must have length greater than or equal to 1")),
    ("ExecuteStatement", "a statement over 8192 characters", "[BOTO] (PartiQLStatement max 8192)",
     es("SELECT * FROM PQH WHERE pk = '%s'" % ("x" * 8192)),
     err(V, "1 validation error detected: Value at 'statement' failed to satisfy constraint: "
            "Member must have length less than or equal to 8192")),
    ("ExecuteStatement", "an empty Parameters list", "[BOTO] (PreparedStatementParameters min 1)",
     es("SELECT * FROM PQH WHERE pk = 'a'", []),
     err(V, "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1")),
    ("ExecuteStatement", "too few parameters", "[DDBL]",
     es("SELECT * FROM PQH WHERE pk = ? AND n = ?", [S("a")]),
     err(V, "Number of parameters in request and statement don't match.")),
    ("ExecuteStatement", "comments and a trailing semicolon", "[DDBL]",
     es("SELECT pk FROM /* the table */ \"PQH\" WHERE pk = 'b'; -- one item"), ok(Items=[{"pk": S("b")}])),
    # ---- ExecuteStatement: writes --------------------------------------------------------------------------------
    ("ExecuteStatement", "INSERT of a new key", "[DOC]",
     es("INSERT INTO \"PQH\" VALUE {'pk': 'i1', 'tags': <<'x', 'y'>>, 'n': 1.50}"), ok(Items=[])),
    ("ExecuteStatement", "INSERT with parameters", "[NCF]",
     es("INSERT INTO PQH VALUE {'pk': ?, 'd': ?}", [S("i2"), {"M": {"a": {"BOOL": True}}}]), ok(Items=[])),
    ("ExecuteStatement", "INSERT of an existing key", "[NCF]",
     es("INSERT INTO PQH VALUE {'pk': 'a'}"), err("DuplicateItemException", "Duplicate primary key exists in table")),
    ("ExecuteStatement", "INSERT of an item over 400 KB", "[DOC]",
     es("INSERT INTO PQH VALUE {'pk': 'big', 'x': ?}", [S("x" * 410000)]),
     err(V, "Item size has exceeded the maximum allowed size")),
    ("ExecuteStatement", "UPDATE SET with arithmetic, RETURNING MODIFIED NEW", "[DOC]",
     es("UPDATE PQH SET n = n + 2 SET w = 'new' WHERE pk = 'u1' RETURNING MODIFIED NEW *"),
     ok(Items=[{"n": N(2), "w": S("new")}])),
    ("ExecuteStatement", "UPDATE RETURNING ALL OLD", "[DOC]",
     es("UPDATE PQH SET n = 3 WHERE pk = 'u1' RETURNING ALL OLD *"),
     ok(Items=[{"pk": S("u1"), "n": N(2), "w": S("new")}])),
    ("ExecuteStatement", "UPDATE REMOVE, RETURNING ALL NEW", "[DOC]",
     es("UPDATE PQH REMOVE w WHERE pk = 'u1' RETURNING ALL NEW *"), ok(Items=[{"pk": S("u1"), "n": N(3)}])),
    ("ExecuteStatement", "UPDATE of a missing item", "[DDBL]",
     es("UPDATE PQH SET n = 1 WHERE pk = 'ghost'"), err(CCF, "The conditional request failed")),
    ("ExecuteStatement", "UPDATE whose condition fails, ReturnValuesOnConditionCheckFailure ALL_OLD", "[BOTO]",
     es("UPDATE PQH SET n = 1 WHERE pk = 'u2' AND n = 99", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
     err(CCF, "The conditional request failed", Item={"pk": S("u2"), "n": N(0)})),
    ("ExecuteStatement", "MODIFIED NEW of a nested path gives the changed leaf only", "[NCF] RETURNING",
     es("UPDATE PQH SET pr.sub = 'new' WHERE pk = 'rl' RETURNING MODIFIED NEW *"),
     ok(Items=[{"pr": {"M": {"sub": S("new")}}}])),
    ("ExecuteStatement", "MODIFIED NEW of list elements packs them in index order", "[NCF] RETURNING",
     es("UPDATE PQH SET tags[2] = 'y', tags[0] = 'x' WHERE pk = 'rl' RETURNING MODIFIED NEW *"),
     ok(Items=[{"tags": {"L": [S("x"), S("y")]}}])),
    ("ExecuteStatement", "MODIFIED NEW of an append past the end gives no item", "[NCF] RETURNING",
     es("UPDATE PQH SET tags[5] = 'c' WHERE pk = 'rl' RETURNING MODIFIED NEW *"),
     ok(Items=[])),
    ("ExecuteStatement", "MODIFIED OLD of a removed list element gives it", "[NCF] RETURNING",
     es("UPDATE PQH REMOVE tags[1] WHERE pk = 'rl' RETURNING MODIFIED OLD *"),
     ok(Items=[{"tags": {"L": [S("b")]}}])),
    ("ExecuteStatement", "MODIFIED OLD of a new attribute gives no item", "[NCF] RETURNING",
     es("UPDATE PQH SET fresh = 1 WHERE pk = 'rl' RETURNING MODIFIED OLD *"),
     ok(Items=[])),
    ("ExecuteStatement", "DELETE whose predicate is false", "[NCF] RETURNING",
     es("DELETE FROM PQH WHERE pk = 'rl' AND fresh = 2"),
     err(CCF, "The conditional request failed")),
    ("ExecuteStatement", "DELETE of a missing key with a predicate succeeds", "[NCF] RETURNING",
     es("DELETE FROM PQH WHERE pk = 'nobody' AND fresh = 2"),
     ok(Items=[])),
    ("ExecuteStatement", "DELETE RETURNING ALL OLD", "[DOC]",
     es("DELETE FROM PQH WHERE pk = 'd1' RETURNING ALL OLD *"), ok(Items=[{"pk": S("d1"), "n": N(0)}])),
    ("ExecuteStatement", "DELETE of a missing item succeeds", "[DDBL]",
     es("DELETE FROM PQH WHERE pk = 'd1'"), ok(Items=[])),
    ("ExecuteStatement", "DELETE RETURNING MODIFIED OLD", "[NCF]",
     es("DELETE FROM PQH WHERE pk = 'x' RETURNING MODIFIED OLD *"),
     err(V, "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.")),
    ("ExecuteStatement", "DELETE RETURNING ALL NEW", "[NCF]",
     es("DELETE FROM PQH WHERE pk = 'x' RETURNING ALL NEW *"),
     err(V, "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.")),
    ("ExecuteStatement", "DELETE without the whole key", "[DYX]",
     es("DELETE FROM PQR WHERE pk = 'p'"),
     err(V, "Where clause does not contain a mandatory equality on all key attributes")),
    ("ExecuteStatement", "EXISTS outside a transaction", "[DDBL]",
     es("EXISTS(SELECT * FROM PQH WHERE pk = 'a' AND n = 5)"),
     err(V, "EXISTS can only be used in ExecuteTransaction write requests.")),
    ("ExecuteStatement", "ReturnConsumedCapacity of a read", "[NCF]; [DYX]",
     es("SELECT * FROM PQH WHERE pk = 'b'", ReturnConsumedCapacity="TOTAL"),
     ok(Items=[B], ConsumedCapacity={"TableName": "PQH", "CapacityUnits": 0.5})),
    ("ExecuteStatement", "an ordering comparison with BOOL", "[NCF]",
     es("SELECT pk FROM PQH WHERE pk = 'a' AND n < ?", [{"BOOL": True}]),
     err(V, "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL")),
    ("ExecuteStatement", "BETWEEN with BOOL", "[NCF]",
     es("SELECT pk FROM PQH WHERE pk = 'a' AND n BETWEEN ? AND ?", [{"BOOL": True}, {"BOOL": False}]),
     err(V, re.compile(r"^Incorrect operand type for operator or function; operator or function: BETWEEN, "))),
    ("ExecuteStatement", "an ordering comparison of S with N is allowed", "[NCF]",
     es("SELECT pk FROM PQH WHERE pk = 'a' AND s < ?", [N(5)]), ok(Items=[])),
    ("ExecuteStatement", "a set equals its permutation", "[NCF]",
     es("SELECT pk FROM PQH WHERE pk = 'a' AND ss = ? AND ss <> ?", [{"SS": ["b", "a"]}, {"SS": ["a", "c"]}]),
     ok(Items=[{"pk": S("a")}])),
    ("ExecuteStatement", "attribute_exists of a string literal", "[NCF] functions",
     es("SELECT * FROM PQH WHERE pk = 'a' AND attribute_exists('ss')"),
     err(V, "Operator or function requires a document path; operator or function: attribute_exists")),
    ("ExecuteStatement", "attribute_exists of two operands", "[NCF] functions",
     es("SELECT * FROM PQH WHERE pk = 'a' AND attribute_exists(ss, ns)"),
     err(V, "Incorrect number of operands for operator or function; operator or function: attribute_exists, "
            "number of operands: 2")),
    ("ExecuteStatement", "a function in the SELECT list", "[NCF] functions",
     *bad("SELECT attribute_exists(ss) FROM \"PQH\" WHERE pk = 'a'",
          lambda q: "Unexpected path component at " + at(q, "attribute_exists"))),
    ("ExecuteStatement", "EXISTS(path) in WHERE is no function", "[NCF] functions",
     *bad("SELECT * FROM \"PQH\" WHERE pk = 'a' AND EXISTS(ss)",
          lambda q: "Unrecognized function: exists at " + at(q, "EXISTS"))),
    ("ExecuteStatement", "set_add in WHERE", "[NCF] functions",
     *bad("SELECT * FROM \"PQH\" WHERE pk = 'a' AND set_add(ss, <<'x'>>) = ss",
          lambda q: "Unrecognized function: set_add at " + at(q, "set_add"))),
    ("ExecuteStatement", "set_add in an INSERT value", "[NCF] functions",
     *bad("INSERT INTO \"PQH\" VALUE {'pk': 'never', 'ss': set_add(<<'a'>>, <<'b'>>)}",
          lambda q: "Unsupported data type: set_add under key root at " + at(q, "set_add"))),
    ("ExecuteStatement", "set_add adds to a set", "[DOC]",
     es("UPDATE PQH SET st = set_add(st, <<'c'>>) WHERE pk = 'sa' RETURNING MODIFIED NEW *"),
     ok(Items=[{"st": {"SS": ["a", "b", "c"]}}])),
    ("ExecuteStatement", "set_delete removes from a set", "[DOC]",
     es("UPDATE PQH SET st = set_delete(st, <<'b'>>), w2 = 'x' WHERE pk = 'sa' RETURNING MODIFIED NEW *"),
     ok(Items=[{"st": {"SS": ["a", "c"]}, "w2": S("x")}])),
    ("ExecuteStatement", "set_add assigned to another attribute", "[NCF] functions",
     *bad("UPDATE \"PQH\" SET t = set_add(st, <<'x'>>) WHERE pk = 'sa'",
          lambda q: "The first argument to SET_ADD must equal the assignment value at " + at(q, "set_add"))),
    ("ExecuteStatement", "set_add of a string", "[NCF] functions",
     *bad("UPDATE \"PQH\" SET st = set_add(st, 'x') WHERE pk = 'sa'",
          lambda q: "The second argument to SET_ADD must be a value with type SET at "
          + at(q, "st", after="set_add("))),
    ("ExecuteStatement", "set_add with one argument", "[NCF] functions",
     *bad("UPDATE \"PQH\" SET st = set_add(st) WHERE pk = 'sa'",
          lambda q: "SET_ADD must have exactly two arguments at " + at(q, "set_add"))),
    ("ExecuteStatement", "set_add with three arguments", "[NCF] functions",
     *bad("UPDATE \"PQH\" SET st = set_add(st, <<'x'>>, <<'y'>>) WHERE pk = 'sa'",
          lambda q: "SET_ADD must have exactly two arguments at " + at(q, "set_add"))),
    ("ExecuteStatement", "set_add of a number to a string set", "[NCF] functions",
     es("UPDATE PQH SET st = set_add(st, <<1>>) WHERE pk = 'sa'"),
     err(V, "An operand in the update expression has an incorrect data type")),
    ("ExecuteStatement", "set_add of a set with a repeated member", "[NCF] functions",
     es("UPDATE PQH SET st = set_add(st, <<'x', 'x'>>) WHERE pk = 'sa'"),
     err(V, "One or more parameter values were invalid: Input collection [x, x] contains duplicates.")),
    ("ExecuteStatement", "set_add of an empty set", "[NCF] functions",
     es("UPDATE PQH SET st = set_add(st, <<>>) WHERE pk = 'sa'"), err(V, "Empty bags are not supported")),
    ("ExecuteStatement", "set_delete of a string", "[NCF] functions",
     *bad("UPDATE \"PQH\" SET st = set_delete(st, 'a') WHERE pk = 'sa'",
          lambda q: "The second argument to SET_DELETE must be a value with type SET at "
          + at(q, "st", after="set_delete("))),
    ("ExecuteStatement", "a filter on an attribute the index does not project", "[NCF]",
     es("SELECT sk FROM \"PQR\".\"ginc\" WHERE gk = 'g' AND np = 'x'"),
     err(V, "One or more parameter values were invalid: Secondary index ginc does not project one or more filter "
            "attributes: [np]")),
    ("ExecuteStatement", "a SELECT list attribute the global index does not project", "[NCF]",
     es("SELECT np, v FROM \"PQR\".\"ginc\" WHERE gk = 'g'"),
     err(V, "One or more parameter values were invalid: Global secondary index ginc does not project [np]")),
    ("ExecuteStatement", "SELECT * of a KEYS_ONLY local index gives its keys only", "[NCF] indexQualifier",
     es("SELECT * FROM \"PQL\".\"lsk1\" WHERE pk = 'p'"),
     ok(Items=[{"pk": S("p"), "sk": S("s1"), "lsk": S("l1")}, {"pk": S("p"), "sk": S("s2"), "lsk": S("l2")}])),
    ("ExecuteStatement", "a local index serves an attribute it lacks from the table", "[NCF] indexQualifier",
     es("SELECT np FROM \"PQL\".\"lsk1\" WHERE pk = 'p'"), ok(Items=[{"np": S("np1")}, {"np": S("np2")}])),
    ("ExecuteStatement", "a keyed local index read filtering on an attribute it lacks", "[NCF] indexQualifier",
     es("SELECT pk FROM \"PQL\".\"lsk1\" WHERE pk = 'p' AND np = 'np1'"),
     err(V, "One or more parameter values were invalid: Secondary index lsk1 does not project one or more filter "
            "attributes: [np]")),
    ("ExecuteStatement", "an unkeyed index read filtering on an attribute it lacks matches nothing",
     "[NCF] indexQualifier",
     es("SELECT sk FROM \"PQR\".\"ginc\" WHERE np = 'x'"), ok(Items=[])),
    ("ExecuteStatement", "a negated filter on an attribute the index lacks matches every row", "[NCF] indexQualifier",
     es("SELECT sk FROM \"PQL\".\"lsk1\" WHERE NOT np = 'np1'"), ok(Items=[{"sk": S("s1")}, {"sk": S("s2")}])),
    ("ExecuteStatement", "IN on the index partition key counts as keyed", "[NCF] indexQualifier",
     es("SELECT sk FROM \"PQR\".\"ginc\" WHERE gk IN ['g', 'h'] AND np = 'x'"),
     err(V, "One or more parameter values were invalid: Secondary index ginc does not project one or more filter "
            "attributes: [np]")),
    ("ExecuteStatement", "a negated keyed filter on an attribute the index lacks", "[NCF] indexQualifier",
     es("SELECT sk FROM \"PQR\".\"ginc\" WHERE gk = 'g' AND NOT np = 'x'"),
     err(V, "One or more parameter values were invalid: Secondary index ginc does not project one or more filter "
            "attributes: [np]")),
    ("ExecuteStatement", "a filter inside an OR branch is not keyed", "[NCF] indexQualifier",
     es("SELECT sk FROM \"PQR\".\"ginc\" WHERE (gk = 'g' AND np = 'x') OR (gk = 'zz')"), ok(Items=[])),
    ("ExecuteStatement", "a token left after the WHERE clause", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a' foo"),
     err(V, LEFTOVER)),
    ("ExecuteStatement", "a number split from its exponent", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 1 e5"),
     err(V, LEFTOVER)),
    ("ExecuteStatement", "a stray closing parenthesis", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a')"),
     err(V, LEFTOVER)),
    ("ExecuteStatement", "ORDER BY on a DELETE", "[NCF] grammar",
     es("DELETE FROM PQH WHERE pk = 'x' ORDER BY pk"),
     err(V, LEFTOVER)),
    ("ExecuteStatement", "an exponent beyond 32 bits", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 1e2147483648"),
     err(V, WELL)),
    ("ExecuteStatement", "a hash comment", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a' # note"),
     err(V, WELL)),
    ("ExecuteStatement", "an unterminated block comment", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a' /* note"),
     err(V, WELL)),
    ("ExecuteStatement", "an alias on a SELECT", "[NCF] grammar",
     es("SELECT * FROM \"PQH\" t WHERE pk = 'a'"),
     err(V, "Aliasing is not supported")),
    ("ExecuteStatement", "an AS alias on an UPDATE", "[NCF] grammar",
     es("UPDATE \"PQH\" AS t SET n = 1 WHERE pk = 'a'"),
     err(V, "Aliasing is not supported")),
    ("ExecuteStatement", "an alias on an INSERT", "[NCF] grammar",
     es("INSERT INTO \"PQH\" t VALUE {'pk': 'never'}"),
     err(V, LEFTOVER)),
    ("ExecuteStatement", "a WHERE number above the largest", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 1e126"),
     err(V, OVERFLOW + " under root")),
    ("ExecuteStatement", "a number too small inside a map", "[NCF] grammar",
     es("INSERT INTO PQH VALUE {'pk': 'never', 'm': {'x': 1e-131}}"),
     err(V, "Number underflow. Attempting to store a number with magnitude smaller than supported range under root.x")),
    ("ExecuteStatement", "39 digits inside a list", "[NCF] grammar",
     es("INSERT INTO PQH VALUE {'pk': 'never', 'l': [1, 123456789012345678901234567890123456789]}"),
     err(V, "Attempting to store more than 38 significant digits in a Number under root[1]")),
    ("ExecuteStatement", "WHERE with nothing after it", "[NCF] grammar",
     es("SELECT * FROM \"PQH\" WHERE"),
     err(V, WELL + "Unexpected term")),
    ("ExecuteStatement", "a condition ending in AND", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a' AND"),
     err(V, WELL + "Missing right-hand side expression of infix operator")),
    ("ExecuteStatement", "WHERE followed by ORDER BY", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE ORDER BY pk"),
     err(V, WELL + "Unexpected keyword")),
    ("ExecuteStatement", "IS with a name that is no type", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = 'a' AND n IS FOO"),
     err(V, WELL + "Expected type name")),
    ("ExecuteStatement", "LIKE where an operand belongs", "[NCF] grammar",
     es("SELECT * FROM PQH WHERE pk = LIKE"),
     err(V, WELL + "Unexpected operator")),
    ("ExecuteStatement", "DELETE FROM with no table", "[NCF] grammar",
     es("DELETE FROM WHERE pk = 'a'"),
     err(V, WELL + "Expected identifier for simple path")),
    ("ExecuteStatement", "SELECT * FROM with no table", "[NCF] grammar",
     es("SELECT * FROM"),
     err(V, WELL + "Unexpected term")),
    ("ExecuteStatement", "OR branches of one partition whose sort ranges meet", "[NCF] grammar",
     es("SELECT sk FROM PQR WHERE pk = 'p' AND v = 10 OR pk = 'p' AND sk = 2"), err(V, OVERLAP)),
    ("ExecuteStatement", "a <> branch beside a sort-key branch of one partition", "[NCF] grammar",
     es("SELECT sk FROM PQR WHERE pk = 'p' AND v <> 10 OR pk = 'p' AND sk = 2"), err(V, OVERLAP)),
    ("ExecuteStatement", "a partition key value twice in IN", "[LOAD]",
     es("SELECT sk FROM PQR WHERE pk IN ['p', 'p']"), err(V, OVERLAP)),
    ("ExecuteStatement", "a negated sort-key branch is not refused", "[NCF] negated OR branches",
     es("SELECT sk FROM PQR WHERE pk = 'p' AND NOT sk = 1 OR pk = 'p' AND sk = 2"),
     ok(Items=[{"sk": N(2)}, {"sk": N(3)}])),
    ("ExecuteStatement", "disjoint sort-key branches run", "[NCF] negated OR branches",
     es("SELECT sk FROM PQR WHERE pk = 'p' AND (sk = 1 OR sk = 3)"), ok(Items=[{"sk": N(1)}, {"sk": N(3)}])),
    ("ExecuteStatement", "FROM ... WHERE ... SET updates", "[NCF] grammar",
     es("FROM \"PQH\" WHERE pk = 'u2' SET w3 = 1 RETURNING MODIFIED NEW *"), ok(Items=[{"w3": N(1)}])),
    ("ExecuteStatement", "FROM ... SET without WHERE", "[NCF] grammar",
     es("FROM \"PQH\" SET c = 1"), err(V, "Where clause does not contain a mandatory equality on all key attributes")),
    ("ExecuteStatement", "FROM ... SET with the WHERE after it", "[NCF] grammar",
     es("FROM \"PQH\" SET c = 1 WHERE pk = 'u2'"), err(V, LEFTOVER)),
    ("ExecuteStatement", "NOT before a key equality filters instead of pinning the key", "[DOC]",
     es("SELECT pk FROM PQH WHERE n BETWEEN 4 AND 6 AND NOT pk = 'b'"),
     ok(Items=[{"pk": S("a")}])),
    # ---- BatchExecuteStatement -----------------------------------------------------------------------------------
    ("BatchExecuteStatement", "reads by key, one missing", "[MOTO]; [NCF]",
     batch("SELECT pk FROM PQH WHERE pk = 'b'", {"Statement": "SELECT * FROM PQR WHERE pk = ? AND sk = ?",
                                                  "Parameters": [S("p"), N(9)]}),
     ok(Responses=[{"TableName": "PQH", "Item": {"pk": S("b")}}, {"TableName": "PQR"}])),
    ("BatchExecuteStatement", "a read without the key, one of an unknown table", "[MOTO]; [NCF]",
     batch("SELECT * FROM PQH", "SELECT * FROM Nowhere WHERE pk = 'a'", "SELECT * FROM PQR WHERE pk = 'p'"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": BATCH_KEY}},
                   {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
                   {"Error": {"Code": "ValidationError", "Message": BATCH_KEY}}])),
    ("BatchExecuteStatement", "a read with a condition beyond the key", "[NCF]",
     batch("SELECT * FROM PQH WHERE pk = 'a' AND attribute_exists(ss)"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": BATCH_KEY}}])),
    ("BatchExecuteStatement", "a read of an index", "[NCF]",
     batch("SELECT * FROM \"PQR\".\"gix\" WHERE pk = 'p' AND sk = 1 AND gk = 'g'"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": BATCH_KEY}}])),
    ("BatchExecuteStatement", "a malformed statement fails alone", "[NCF]",
     batch("SLECT * FROM PQH WHERE pk = 'b'", "SELECT * FROM PQH WHERE pk = 'b'"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": WELL + "Expected data manipulation"}},
                   {"TableName": "PQH", "Item": B}])),
    ("BatchExecuteStatement", "an empty WHERE is that statement's error", "[NCF] grammar",
     batch("SELECT * FROM PQH WHERE"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": WELL + "Unexpected term"}}])),
    ("BatchExecuteStatement", "reads and writes together", "[DDBL]",
     batch("SELECT * FROM PQH WHERE pk = 'b'", "INSERT INTO PQH VALUE {'pk': 'never'}"),
     err(V, "Read and write requests together in the same batch is not supported.")),
    ("BatchExecuteStatement", "writes, one duplicate and one failed condition, each with its table", "[NCF]; [DYX]",
     batch("INSERT INTO PQH VALUE {'pk': 'bi1'}", "INSERT INTO PQH VALUE {'pk': 'a'}",
           {"Statement": "UPDATE PQH SET n = 1 WHERE pk = 'bu1' AND n = 42",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
     ok(Responses=[{"TableName": "PQH"},
                   {"TableName": "PQH", "Error": {"Code": "DuplicateItem",
                                                  "Message": "Duplicate primary key exists in table"}},
                   {"TableName": "PQH", "Error": {"Code": "ConditionalCheckFailed",
                                                  "Message": "The conditional request failed"}}])),
    ("BatchExecuteStatement", "DELETE RETURNING ALL OLD gives the item", "[NCF]",
     batch("DELETE FROM PQH WHERE pk = 'bd1' RETURNING ALL OLD *"),
     ok(Responses=[{"TableName": "PQH", "Item": {"pk": S("bd1"), "n": N(0)}}])),
    ("BatchExecuteStatement", "an empty MODIFIED NEW gives no Item", "[NCF]",
     batch("UPDATE PQH REMOVE n WHERE pk = 'bd2' RETURNING MODIFIED NEW *"), ok(Responses=[{"TableName": "PQH"}])),
    ("BatchExecuteStatement", "DELETE RETURNING MODIFIED OLD is that statement's error", "[NCF]",
     batch("DELETE FROM PQH WHERE pk = 'x' RETURNING MODIFIED OLD *"),
     ok(Responses=[{"Error": {"Code": "ValidationError", "Message": "Invalid returning clause: RETURNING MODIFIED "
                              "OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements."}}])),
    ("BatchExecuteStatement", "EXISTS in a batch", "[DDBL]",
     batch("EXISTS(SELECT * FROM PQH WHERE pk = 'a' AND n = 5)"),
     ok(Responses=[{"Error": {"Code": "ValidationError",
                              "Message": "EXISTS can only be used in ExecuteTransaction write requests."}}])),
    ("BatchExecuteStatement", "ConsistentRead per statement in ConsumedCapacity", "[DYX]",
     batch({"Statement": "SELECT pk FROM PQH WHERE pk = 'b'", "ConsistentRead": True},
           "SELECT pk FROM PQH WHERE pk = 'c'", ReturnConsumedCapacity="TOTAL"),
     ok(ConsumedCapacity=[{"TableName": "PQH", "CapacityUnits": 1.5}])),
    ("BatchExecuteStatement", "an empty statement refuses the batch", "[BOTO]; [DDBL]",
     batch("SELECT * FROM PQH WHERE pk = 'a'", ""),
     err(V, "1 validation error detected: Value '' at 'statements.2.member.statement' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1")),
    ("BatchExecuteStatement", "26 statements", "[BOTO]",
     batch(*["SELECT * FROM PQH WHERE pk = 'a'"] * 26),
     err(V, re.compile(r"^1 validation error detected: Value .* at 'statements' failed to satisfy constraint: "
                       r"Member must have length less than or equal to 25$"))),
    ("BatchExecuteStatement", "no statements", "[BOTO]",
     batch(), err(V, re.compile(r"at 'statements' failed to satisfy constraint: Member must have length greater "
                                r"than or equal to 1$"))),
    # ---- ExecuteTransaction --------------------------------------------------------------------------------------
    ("ExecuteTransaction", "writes applied together", "[NCF]",
     txn("INSERT INTO PQH VALUE {'pk': 'ti1', 'v': 1}", "UPDATE PQH SET v = 2 WHERE pk = 't1'"), ok(Responses=None)),
    ("ExecuteTransaction", "reads give an Item or {} per statement", "[DDBL]",
     txn("SELECT v FROM PQH WHERE pk = 'ti1'", "SELECT * FROM PQH WHERE pk = 'gone'",
         "SELECT pk, v FROM PQH WHERE pk = 't1'"),
     ok(Responses=[{"Item": {"v": N(1)}}, {}, {"Item": {"pk": S("t1"), "v": N(2)}}])),
    ("ExecuteTransaction", "reads and writes together", "[DYX]; [DDBL]",
     txn("SELECT * FROM PQH WHERE pk = 'a'", "INSERT INTO PQH VALUE {'pk': 'never'}"),
     err(V, "ExecuteTransaction API does not support both read and write operations in the same request.")),
    ("ExecuteTransaction", "an empty WHERE names the statement", "[NCF] grammar",
     txn("UPDATE PQH SET z = 1 WHERE pk = 't1'", "SELECT * FROM PQH WHERE"),
     err(V, "Validation failed in TransactStatements[1]: " + WELL + "Unexpected term")),
    ("ExecuteTransaction", "RETURNING", "[NCF]",
     txn("UPDATE PQH SET v = 3 WHERE pk = 't1' RETURNING ALL NEW *"),
     err(V, "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.")),
    ("ExecuteTransaction", "an index read", "[NCF]",
     txn("SELECT * FROM \"PQR\".\"gix\" WHERE gk = 'g'"),
     err(V, "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.")),
    ("ExecuteTransaction", "a read not of one key", "[NCF]",
     txn("SELECT * FROM PQH WHERE pk = 'a' AND attribute_exists(ss)"), err(V, TXN_KEY)),
    ("ExecuteTransaction", "EXISTS with no condition beyond the key", "[NCF]",
     txn("EXISTS(SELECT * FROM PQH WHERE pk = 'a')", "UPDATE PQH SET z = 1 WHERE pk = 't1'"),
     err(V, "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional "
            "condition")),
    ("ExecuteTransaction", "cancellation reasons in statement order", "[DOC]; [NCF]",
     txn("INSERT INTO PQH VALUE {'pk': 'never'}", "INSERT INTO PQH VALUE {'pk': 'a'}",
         "UPDATE PQH SET n = 1 WHERE pk = 'ghost'"),
     err("TransactionCanceledException", CANCEL % "None, DuplicateItem, ConditionalCheckFailed",
         CancellationReasons=[{"Code": "None"},
                              {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
                              {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}])),
    ("ExecuteTransaction", "a false EXISTS cancels", "[DOC]",
     txn("EXISTS(SELECT * FROM PQH WHERE pk = 'a' AND n = 6)", "UPDATE PQH SET z = 1 WHERE pk = 't1'"),
     err("TransactionCanceledException", CANCEL % "ConditionalCheckFailed, None",
         CancellationReasons=[{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
                              {"Code": "None"}])),
    ("ExecuteTransaction", "two statements on one item", "[DYX]",
     txn("UPDATE PQH SET z = 1 WHERE pk = 't1'", "DELETE FROM PQH WHERE pk = 't1'"),
     err(V, "Transaction request cannot include multiple operations on one item")),
    ("ExecuteTransaction", "101 statements", "[BOTO]",
     txn(*["INSERT INTO PQH VALUE {'pk': 'never'}"] * 101),
     err(V, re.compile(r"at 'transactStatements' failed to satisfy constraint: Member must have length less than "
                       r"or equal to 100$"))),
    ("ExecuteTransaction", "a ClientRequestToken of 37 characters", "[BOTO]; [DYX]",
     txn("UPDATE PQH SET z = 1 WHERE pk = 't1'", ClientRequestToken="x" * 37),
     err(V, "1 validation error detected: Value '%s' at 'clientRequestToken' failed to satisfy constraint: "
            "Member must have length less than or equal to 36" % ("x" * 37))),
    ("ExecuteTransaction", "ReturnConsumedCapacity counts two units a write", "[NCF]; [DYX]",
     txn("UPDATE PQH SET z = 2 WHERE pk = 't1'", ReturnConsumedCapacity="TOTAL"),
     ok(ConsumedCapacity=[{"TableName": "PQH", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}])),
    ("ExecuteTransaction", "ReturnConsumedCapacity counts two units a read", "[DYX]; [NCF]",
     txn("SELECT * FROM PQH WHERE pk = 'b'", ReturnConsumedCapacity="TOTAL"),
     ok(Responses=[{"Item": B}],
        ConsumedCapacity=[{"TableName": "PQH", "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}])),
]


class PartiQLConformance(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="PQH", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        ddb.create_table(TableName="PQR", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "N"},
                                               {"AttributeName": "gk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         GlobalSecondaryIndexes=[{"IndexName": "gix", "KeySchema": [
                             {"AttributeName": "gk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "ALL"}},
                             {"IndexName": "ginc", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
                              "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}])
        ddb.create_table(TableName="PQL", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "lsk")],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         LocalSecondaryIndexes=[{"IndexName": "lsk1", "KeySchema": [
                             {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsk", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        for table, item in SETUP:
            ddb.put_item(TableName=table, Item=item)

    def raw(self, op, body):
        return self.nimbus.ddb_call(op, body)

    def check(self, op, body, want):
        status, out = self.raw(op, body)
        if want[0] == "E":
            msg = out.get("message") or out.get("Message")
            self.assertEqual((status, out.get("__type", "").split("#")[-1]), (400, want[1]), out)
            if isinstance(want[2], re.Pattern):
                self.assertRegex(msg, want[2])
            else:
                self.assertEqual(msg, want[2])
            for member, value in want[3].items():
                self.assertEqual(out.get(member), value, member)
        else:
            self.assertEqual(status, 200, out)
            for member, value in want[1].items():
                if value is None:
                    self.assertNotIn(member, out)
                elif value is ANY:
                    self.assertIn(member, out)
                else:
                    self.assertEqual(out.get(member), value, member)
        return out

    def run_group(self, op):
        rows = [c for c in CHECKS if c[0] == op]
        self.assertTrue(rows)
        for _op, what, _src, body, want in rows:
            with self.subTest(check=what):
                self.check(op, body, want)

    def test_docstring_lists_every_row(self):
        doc = " ".join(__doc__.split())
        for op, what, _src, _body, _want in CHECKS:
            self.assertIn("%s: %s" % (op, what), doc)

    def test_execute_statement(self):
        self.run_group("ExecuteStatement")

    def test_batch_execute_statement(self):
        self.run_group("BatchExecuteStatement")

    def test_execute_transaction(self):
        self.run_group("ExecuteTransaction")

    def test_paging(self):
        """[DOC] API_ExecuteStatement: NextToken resumes after the last item evaluated, on a Query and on a
        Scan, until a page comes back without one."""
        for stmt in ("SELECT sk FROM PQR WHERE pk = 'p'", "SELECT sk FROM PQR",
                     "SELECT sk FROM PQR WHERE pk = 'p' ORDER BY sk DESC"):
            seen, token = [], None
            while True:
                body = {"Statement": stmt, "Limit": 1}
                if token:
                    body["NextToken"] = token
                out = self.check("ExecuteStatement", body, ok())
                seen += out["Items"]
                token = out.get("NextToken")
                if not token:
                    break
            want = [{"sk": r["sk"]} for r in R]
            self.assertEqual(seen, want[::-1] if "DESC" in stmt else want, stmt)

    def test_client_request_token(self):
        """[NCF] executeTransaction.test.ts and [DYX] execute_transaction.rs, both from AWS: the same token and
        statements apply once (a replay reports capacity again); the same token with other statements is
        IdempotentParameterMismatchException."""
        body = txn("UPDATE PQH SET n = n + 1 WHERE pk = 'tok'", ClientRequestToken="tok-1",
                   ReturnConsumedCapacity="INDEXES")
        # [NCF] executeTransaction.test.ts: the first call is a transactional write (2 WCU, no read side), the
        # replay a transactional read of the stored result (2 RCU, no write side)
        first = self.check("ExecuteTransaction", body, ok())["ConsumedCapacity"][0]
        self.assertEqual((first["CapacityUnits"], first.get("WriteCapacityUnits")), (2.0, 2.0), first)
        self.assertNotIn("ReadCapacityUnits", first)
        replay = self.check("ExecuteTransaction", body, ok())["ConsumedCapacity"][0]
        self.assertEqual((replay["CapacityUnits"], replay.get("ReadCapacityUnits")), (2.0, 2.0), replay)
        self.assertNotIn("WriteCapacityUnits", replay)
        self.check("ExecuteStatement", es("SELECT n FROM PQH WHERE pk = 'tok'"), ok(Items=[{"n": N(1)}]))
        self.check("ExecuteTransaction", txn("UPDATE PQH SET n = n + 5 WHERE pk = 'tok'", ClientRequestToken="tok-1"),
                   err("IdempotentParameterMismatchException",
                       "The request uses the same client token as a previous, but non-identical request."))
        self.check("ExecuteStatement", es("SELECT n FROM PQH WHERE pk = 'tok'"), ok(Items=[{"n": N(1)}]))


if __name__ == "__main__":
    unittest.main()
