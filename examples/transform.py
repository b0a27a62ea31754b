"""The example transform of the Kafka integration guide.

The topic carries two kinds of messages: a single number (create a node with
that id) and two numbers separated by whitespace (create an edge between the
nodes with those ids). Ids stay strings, as they were split from the message
text. Messages of any other shape, including ones that are not UTF-8, are
ignored.

    "1"   -> ("CREATE (:Node {id: $id})", {"id": "1"})
    "1 2" -> ("MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)",
              {"from_id": "1", "to_id": "2"})
"""

import re

_NUMBER = re.compile(r"-?[0-9]+")

CREATE_NODE = "CREATE (:Node {id: $id})"
CREATE_EDGE = "MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)"


def stream(batch):
    """Turns a batch of message values (bytes) into (query, params) pairs."""
    queries = []
    for message in batch:
        try:
            fields = message.decode("utf-8").strip().split()
        except UnicodeDecodeError:
            continue
        if not all(_NUMBER.fullmatch(field) for field in fields):
            continue
        if len(fields) == 1:
            queries.append((CREATE_NODE, {"id": fields[0]}))
        elif len(fields) == 2:
            queries.append((CREATE_EDGE, {"from_id": fields[0], "to_id": fields[1]}))
    return queries
