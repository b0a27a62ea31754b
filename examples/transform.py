"""The example transform of the Kafka integration guide.

The topic carries two kinds of messages: a single number (create a node with
that id) and two numbers separated by whitespace (create an edge between the
nodes with those ids). Messages are decoded as UTF-8 and split on whitespace
(which also strips it); ids stay strings, as they were split from the text.
Messages of any other shape, including ones that are not UTF-8, are ignored.

    "1"   -> ("CREATE (:Node {id: $id})", {"id": "1"})
    "1 2" -> ("MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)",
              {"from_id": "1", "to_id": "2"})
"""

CREATE_NODE = "CREATE (:Node {id: $id})"
CREATE_EDGE = "MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)"


def _is_number(field):
    """True for an optionally negative run of ASCII digits, e.g. "42" or "-7"."""
    return field.isascii() and (field.isdigit() or (field[:1] == "-" and field[1:].isdigit()))


def stream(batch):
    """Turns a batch of message values (bytes) into (query, params) pairs."""
    queries = []
    for message in batch:
        try:
            fields = message.decode("utf-8").split()
        except UnicodeDecodeError:
            continue
        if len(fields) == 1:
            if _is_number(fields[0]):
                queries.append((CREATE_NODE, {"id": fields[0]}))
        elif len(fields) == 2:
            if _is_number(fields[0]) and _is_number(fields[1]):
                queries.append((CREATE_EDGE, {"from_id": fields[0], "to_id": fields[1]}))
    return queries
