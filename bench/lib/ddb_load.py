"""ddb_load.py ENDPOINT USERS POSTS — create the benchmark tables and load them:
Users (hash id) with USERS items of ~1 KB; Posts (hash id, GSI CategoryIndex on
category) with POSTS items, 20 per category, so a GSI query returns 20 items.
Also two empty tables of the same schemas, Scratch and ScratchPosts, for the
write workloads that add new items (BatchWriteItem, TransactWriteItems), so
later rounds of GetItem/PutItem/Query still run on the issue's 10,000 items.
Uses Debian's boto3; the same loader serves nimbus and its peers."""
import concurrent.futures
import sys
import boto3
import botocore.config

endpoint, n_users, n_posts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                   aws_secret_access_key="test", config=botocore.config.Config(retries={"max_attempts": 10}))
ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST",
                 AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                 KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
ddb.create_table(TableName="Scratch", BillingMode="PAY_PER_REQUEST",
                 AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                 KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
for name in ("Posts", "ScratchPosts"):
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                           {"AttributeName": "category", "AttributeType": "S"},
                                           {"AttributeName": "created", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     GlobalSecondaryIndexes=[{"IndexName": "CategoryIndex",
                                              "KeySchema": [{"AttributeName": "category", "KeyType": "HASH"},
                                                            {"AttributeName": "created", "KeyType": "RANGE"}],
                                              "Projection": {"ProjectionType": "ALL"}}])
for t in ("Users", "Posts", "Scratch", "ScratchPosts"):
    ddb.get_waiter("table_exists").wait(TableName=t, WaiterConfig={"Delay": 1})
pad = "x" * 900


def put_all(table, items):
    """BatchWriteItem of 25 from 8 threads (boto3 clients are thread-safe)."""
    batches, batch = [], []
    for it in items:
        batch.append({"PutRequest": {"Item": it}})
        if len(batch) == 25:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        for _ in ex.map(lambda b: flush(table, b), batches):
            pass


def flush(table, batch):
    req = {table: batch}
    while req:
        r = ddb.batch_write_item(RequestItems=req)
        req = r.get("UnprocessedItems") or None


put_all("Users", ({"id": {"S": "user-%d" % i}, "name": {"S": "User %d" % i}, "email": {"S": "u%d@example.com" % i},
                   "bio": {"S": pad}} for i in range(n_users)))
put_all("Posts", ({"id": {"S": "post-%d" % i}, "category": {"S": "cat-%d" % (i // 20)},
                   "created": {"N": str(i)}, "title": {"S": "Post %d" % i}, "body": {"S": pad[:200]}}
                  for i in range(n_posts)))
print("loaded %d users, %d posts" % (n_users, n_posts))
