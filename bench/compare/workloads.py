"""The six workloads of make bench-compare: the Cypher text Tributary and
Kuzu run, the SQL pgbench runs for PostgreSQL, and the parameter kind
(`id`: a random existing node id, `pair`: two random user ids, `new`: a fresh
id, `none`). Shared by run.py and report.py."""

WORKLOADS = {
    # name: (Cypher, SQL for pgbench, parameter kind)
    "point": (
        "MATCH (n:Node {id: $id}) RETURN n.name",
        "SELECT name FROM node WHERE id = :id;",
        "id",
    ),
    "onehop": (
        "MATCH (n:Node {id: $id})-[:Edge]->(m) RETURN count(m)",
        "SELECT count(*) FROM edge WHERE src = :id;",
        "id",
    ),
    "twohop": (
        "MATCH (n:Node {id: $id})-[:Edge]->()-[:Edge]->(m) RETURN count(DISTINCT m)",
        "SELECT count(DISTINCT e2.dst) FROM edge e1 JOIN edge e2 ON e2.src = e1.dst "
        "WHERE e1.src = :id;",
        "id",
    ),
    "aggregation": (
        "MATCH (n:Node)-[:Edge]->(m) RETURN m.id % 100 AS bucket, count(*) ORDER BY bucket",
        "SELECT dst % 100, count(*) FROM edge GROUP BY 1 ORDER BY 1;",
        "none",
    ),
    # mgbench's single_vertex_write and single_edge_write, verbatim.
    "vertex_write": (
        "CREATE (n:UserTemp {id: $id}) RETURN n",
        "INSERT INTO user_temp (id) VALUES (:id) RETURNING *;",
        "new",
    ),
    "edge_write": (
        "MATCH (n:User {id: $from}), (m:User {id: $to}) CREATE (n)-[e:Temp]->(m) RETURN e",
        "INSERT INTO temp_edge (src, dst) SELECT a.id, b.id FROM users a, users b "
        "WHERE a.id = :from AND b.id = :to RETURNING *;",
        "pair",
    ),
}
TITLES = {
    "point": "Point reads",
    "onehop": "One-hop neighbourhood count",
    "twohop": "Two-hop neighbourhood count (DISTINCT)",
    "aggregation": "Global aggregation",
    "vertex_write": "Small writes: single_vertex_write (mgbench)",
    "edge_write": "Small writes: single_edge_write (mgbench)",
}
