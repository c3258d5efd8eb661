/**
 * The SQL schema of the embedded store, as numbered migrations. `PRAGMA user_version` records how many have run,
 * so opening an older file upgrades it in place and opening the same file twice is a no-op.
 */

/**
 * Makes the current graph the first versions of the history, valid from each row's last change, and records where
 * history starts. Run by the schema step that adds history and whenever history restarts (after a migration).
 * It is part of a released step, so it is never edited: a restart that needs other SQL gets its own constant.
 */
export const SEED_HISTORY = `
  INSERT INTO node_versions (id, seq, class, labels, props, event_id, source, time, created_seq)
    SELECT id, seq, class, labels, props, event_id, source, time, created_seq FROM nodes;
  INSERT INTO label_versions (label, id, seq) SELECT l.label, l.id, n.seq FROM node_labels l JOIN nodes n ON n.id = l.id;
  INSERT INTO rel_versions (type, from_id, to_id, seq, event_id, source, time, created_seq)
    SELECT type, from_id, to_id, seq, event_id, source, time, created_seq FROM rels;
  INSERT INTO meta (key, value) SELECT 'history.from', CAST(coalesce(max(seq), 0) AS TEXT) FROM ledger WHERE true
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
`;

/** One schema step. Never edit a released step: append a new one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    class TEXT NOT NULL,
    labels TEXT NOT NULL,            -- JSON array: the class and its ancestors
    props TEXT NOT NULL DEFAULT '{}', -- JSON object: datatype properties (lists for non-functional ones)
    event_id TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_seq INTEGER NOT NULL
  );
  CREATE INDEX nodes_class ON nodes(class, id);

  CREATE TABLE node_labels (
    label TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (label, id)
  ) WITHOUT ROWID;

  CREATE TABLE rels (
    type TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_seq INTEGER NOT NULL,
    PRIMARY KEY (type, from_id, to_id)
  ) WITHOUT ROWID;
  CREATE INDEX rels_to ON rels(to_id, type);
  CREATE INDEX rels_from ON rels(from_id, type);

  -- seq is assigned as max+1 inside the write transaction: gap-free, shared by events, marks and claims.
  CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    committed_at TEXT NOT NULL,
    subject TEXT,
    traceparent TEXT,
    correlationid TEXT,
    causationid TEXT,
    changes TEXT NOT NULL,
    event TEXT
  );

  CREATE TABLE ledger_nodes (
    node_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (node_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Times are epoch milliseconds so decay and expiry are plain arithmetic in SQL.
  CREATE TABLE marks (
    id TEXT PRIMARY KEY,
    node_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    strength REAL NOT NULL,      -- at the last reinforcement
    first_strength REAL NOT NULL,
    half_life_ms REAL,
    ttl_ms REAL,
    agent TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL,
    reinforced_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX marks_node ON marks(node_id, kind);
  CREATE INDEX marks_expiry ON marks(expires_at);

  CREATE TABLE claims (
    node_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    agent TEXT NOT NULL,
    token INTEGER NOT NULL,
    granted_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (node_id, purpose)
  ) WITHOUT ROWID;
  CREATE INDEX claims_expiry ON claims(expires_at);

  -- Survives release and expiry so fencing tokens only ever grow.
  CREATE TABLE claim_tokens (
    node_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    last_token INTEGER NOT NULL,
    PRIMARY KEY (node_id, purpose)
  ) WITHOUT ROWID;

  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    issues TEXT NOT NULL,
    subject TEXT,
    headers TEXT,
    payload TEXT NOT NULL,
    deliveries INTEGER,
    received_at TEXT NOT NULL
  );
  `,
  // 2: nodes_class served no read (class listing walks node_labels, whose key is (label, id)); every node insert
  // paid for it (~1.5 µs of CPU per 2-node event in the projection micro-benchmark).
  `DROP INDEX IF EXISTS nodes_class;`,
  // 3: the idempotency key is (source, event_id), as CloudEvents defines uniqueness: another producer may use the
  // same id. SQLite cannot drop a column's UNIQUE, so the ledger is rebuilt; (event_id, source) also serves
  // lookups by id alone.
  `
  CREATE TABLE ledger_v3 (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    committed_at TEXT NOT NULL,
    subject TEXT,
    traceparent TEXT,
    correlationid TEXT,
    causationid TEXT,
    changes TEXT NOT NULL,
    event TEXT,
    UNIQUE (event_id, source)
  );
  INSERT INTO ledger_v3 SELECT seq, event_id, kind, type, source, time, committed_at, subject, traceparent, correlationid, causationid, changes, event FROM ledger;
  DROP TABLE ledger;
  ALTER TABLE ledger_v3 RENAME TO ledger;
  `,
  // 4: a node's marks are read in the order they were left (core/store/order.ts): createdAt, then the seq of the
  // ledger row that recorded the mark, which older files fill in from that row (`mark:<id>:<seq>`, type MarkLeft).
  `
  ALTER TABLE marks ADD COLUMN created_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE marks SET created_seq = coalesce((
    SELECT min(l.seq) FROM ledger l
    WHERE l.event_id >= 'mark:' || marks.id || ':' AND l.event_id < 'mark:' || marks.id || ';' AND l.type = 'tg:MarkLeft'
  ), 0);
  `,
  // 5: filing the same letter again (a projector retrying after a crash) answers with the one already filed, found
  // by (reason, hash of the payload); letters filed before this step have no hash and are never matched.
  `
  ALTER TABLE dead_letters ADD COLUMN payload_hash TEXT;
  CREATE INDEX dead_letters_dedupe ON dead_letters(reason, payload_hash) WHERE payload_hash IS NOT NULL;
  `,
  // 6: as-of reads (core/store/as-of.ts). Versioned rows of nodes, their labels and relationships, each valid from
  // `seq` (the change that wrote it) until `vt` (the change that replaced or removed it; NULL = still current),
  // written in the applying transaction (history.ts). A file that had a graph before this step starts its history
  // at its head: its current rows are the first versions, and older points are refused (meta history.from).
  `
  CREATE TABLE node_versions (
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    vt INTEGER,
    class TEXT NOT NULL,
    labels TEXT NOT NULL,
    props TEXT NOT NULL,
    event_id TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    created_seq INTEGER NOT NULL,
    PRIMARY KEY (id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE label_versions (
    label TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    vt INTEGER,
    PRIMARY KEY (label, id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX label_versions_id ON label_versions(id) WHERE vt IS NULL;
  CREATE TABLE rel_versions (
    type TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    vt INTEGER,
    event_id TEXT NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    created_seq INTEGER NOT NULL,
    PRIMARY KEY (type, from_id, to_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX rel_versions_from ON rel_versions(from_id, type);
  CREATE INDEX rel_versions_to ON rel_versions(to_id, type);
  ${SEED_HISTORY}
  `,
];
