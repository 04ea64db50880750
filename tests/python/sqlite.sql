CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v REAL);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
INSERT INTO t(id, name, v) SELECT x, 'row' || x, x * 0.5 FROM c;
COMMIT;
SELECT count(*), sum(id), min(name), max(name), sum(v) FROM t;
SELECT name FROM t WHERE id % 1000 = 0 ORDER BY id DESC LIMIT 3;
PRAGMA integrity_check;
