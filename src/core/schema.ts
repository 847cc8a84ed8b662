// The index schema and its forward migrations. `PRAGMA user_version` holds how many of
// MIGRATIONS have been applied; a new version only ever appends to the list.
//
// Conventions: `rid` is the integer id of a run (runs.id is the folder name), `kid` of a
// metric key. Metric values are REAL with NaN stored as NULL (SQLite turns a bound NaN into
// NULL anyway) and ±Infinity kept. Times are unix milliseconds.

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE runs (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT,
    experiment TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    exit_code INTEGER,
    error TEXT,
    created INTEGER,            -- meta.json "created", when the folder was made
    started INTEGER,            -- first event
    ended INTEGER,              -- last terminal status event
    updated INTEGER,            -- last event
    command TEXT,               -- JSON: string or array of strings
    cwd TEXT,
    script TEXT,
    git_commit TEXT,
    git_branch TEXT,
    git_dirty INTEGER,
    git_diff TEXT,              -- blob hash
    python_executable TEXT,
    python_version TEXT,
    host TEXT,
    pid INTEGER,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    job TEXT,
    sys_samples INTEGER NOT NULL DEFAULT 0   -- sys events seen: the step of the next one
  );
  CREATE INDEX runs_started ON runs (coalesce(started, created));
  CREATE INDEX runs_experiment ON runs (experiment);

  CREATE TABLE params (
    rid INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT,                 -- JSON text
    num REAL,                   -- the value when it is a number, for sorting and filters
    PRIMARY KEY (rid, key)
  ) WITHOUT ROWID;

  CREATE TABLE metric_keys (
    kid INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
  );

  CREATE TABLE points (
    rid INTEGER NOT NULL,
    kid INTEGER NOT NULL,
    step NOT NULL,
    value REAL,
    t INTEGER,
    epoch REAL,
    PRIMARY KEY (rid, kid, step)
  ) WITHOUT ROWID;

  -- One row per (run, key), kept at ingest so listings never scan points.
  CREATE TABLE summaries (
    rid INTEGER NOT NULL,
    kid INTEGER NOT NULL,
    count INTEGER NOT NULL,     -- points, NaN included
    nans INTEGER NOT NULL,
    min REAL,                   -- over non-NaN values; NULL when there are none
    max REAL,
    first_step NOT NULL,
    last_step NOT NULL,
    last REAL,                  -- value at last_step (NULL = NaN)
    t INTEGER,                  -- time of the latest point logged
    seq INTEGER NOT NULL,       -- log position of the latest point (line * 65536 + index)
    PRIMARY KEY (rid, kid)
  ) WITHOUT ROWID;

  -- Level-of-detail buckets: level L groups steps [b * 16^L, (b + 1) * 16^L).
  CREATE TABLE lod (
    rid INTEGER NOT NULL,
    kid INTEGER NOT NULL,
    level INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    nans INTEGER NOT NULL,
    min REAL,
    max REAL,
    first_step NOT NULL,
    last_step NOT NULL,
    first REAL,
    last REAL,
    PRIMARY KEY (rid, kid, level, bucket)
  ) WITHOUT ROWID;

  CREATE TABLE tags (
    rid INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (rid, tag)
  ) WITHOUT ROWID;
  CREATE INDEX tags_tag ON tags (tag);

  CREATE TABLE artifacts (
    aid INTEGER PRIMARY KEY,
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    source TEXT,
    t INTEGER
  );
  CREATE INDEX artifacts_rid ON artifacts (rid);
  CREATE TABLE artifact_files (
    aid INTEGER NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (aid, path)
  ) WITHOUT ROWID;

  CREATE TABLE images (
    rid INTEGER NOT NULL,
    key TEXT NOT NULL,
    step NOT NULL,
    hash TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    t INTEGER,
    PRIMARY KEY (rid, key, step)
  ) WITHOUT ROWID;

  CREATE TABLE datasets (
    did INTEGER PRIMARY KEY,
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    columns TEXT,               -- JSON as logged
    t INTEGER
  );
  CREATE INDEX datasets_rid ON datasets (rid);
  CREATE INDEX datasets_hash ON datasets (hash);
  CREATE TABLE dataset_files (
    did INTEGER NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (did, path)
  ) WITHOUT ROWID;

  CREATE TABLE code_files (
    rid INTEGER NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT,
    t INTEGER,
    PRIMARY KEY (rid, path)
  ) WITHOUT ROWID;

  -- How far each run's events.jsonl has been read.
  CREATE TABLE ingest_offsets (
    rid INTEGER PRIMARY KEY,
    offset INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    bad INTEGER NOT NULL DEFAULT 0
  );

  -- The first bad lines of each run (all are counted in ingest_offsets.bad).
  CREATE TABLE bad_lines (
    rid INTEGER NOT NULL,
    line INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (rid, line)
  ) WITHOUT ROWID;
  `,
  // 2: models. The registry lives in .trackside/models/<name>/ (versions/<n>.json, aliases
  // in events.jsonl) and is read into the first three tables; the last two come from run logs.
  `
  CREATE TABLE model_versions (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    run_id TEXT,                -- the training run's folder name
    hash TEXT NOT NULL,         -- weights
    size INTEGER NOT NULL,
    t INTEGER,
    record TEXT NOT NULL,       -- the registry file, JSON
    PRIMARY KEY (name, version)
  ) WITHOUT ROWID;

  -- Where each alias points now (the model's alias log folded in order).
  CREATE TABLE model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    t INTEGER,
    PRIMARY KEY (name, alias)
  ) WITHOUT ROWID;

  -- How far each model's alias log has been read.
  CREATE TABLE model_logs (
    name TEXT PRIMARY KEY,
    offset INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    bad INTEGER NOT NULL DEFAULT 0
  );

  -- Model events of training runs.
  CREATE TABLE run_models (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    version INTEGER,
    t INTEGER,
    PRIMARY KEY (rid, name, hash)
  ) WITHOUT ROWID;

  -- The model version each evaluation run evaluated (the latest model_ref of the run).
  CREATE TABLE model_refs (
    rid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    ref TEXT,
    hash TEXT,
    t INTEGER
  );
  CREATE INDEX model_refs_version ON model_refs (name, version);
  `,
  // 3: every value logged is a point, also several at one step: points are keyed by their
  // sequence within the step (0, 1, … in logged order). Indexes built before kept one value per
  // step, so every run is read again from its folder (the models' registry tables stay).
  `
  DROP TABLE points;
  CREATE TABLE points (
    rid INTEGER NOT NULL,
    kid INTEGER NOT NULL,
    step NOT NULL,
    seq INTEGER NOT NULL,       -- 0 for the first value at this step, 1 for the next, …
    value REAL,
    t INTEGER,
    epoch REAL,
    PRIMARY KEY (rid, kid, step, seq)
  ) WITHOUT ROWID;
  ALTER TABLE summaries ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;  -- seq of the latest value at last_step
  DELETE FROM summaries;
  DELETE FROM lod;
  DELETE FROM params;
  DELETE FROM tags;
  DELETE FROM artifact_files;
  DELETE FROM artifacts;
  DELETE FROM images;
  DELETE FROM dataset_files;
  DELETE FROM datasets;
  DELETE FROM code_files;
  DELETE FROM ingest_offsets;
  DELETE FROM bad_lines;
  DELETE FROM run_models;
  DELETE FROM model_refs;
  DELETE FROM runs;
  `,
  // 4: a run may be nested under another (MLflow's parent runs): the parent's run id.
  `
  ALTER TABLE runs ADD COLUMN parent TEXT;
  CREATE INDEX runs_parent ON runs (parent) WHERE parent IS NOT NULL;
  `,
  // 5: where a run was imported from (an archive made elsewhere): such a run is never run
  // again from here without the user seeing the exact command first.
  `
  ALTER TABLE runs ADD COLUMN imported TEXT;
  `,
  // 6: verdicts of "trackside gate", read from models/<name>/gates.jsonl (one row per line).
  `
  CREATE TABLE model_gates (
    name TEXT NOT NULL,
    line INTEGER NOT NULL,      -- 1-based line in gates.jsonl
    t INTEGER NOT NULL,
    version INTEGER NOT NULL,   -- the version judged
    baseline INTEGER,           -- the version it was held to (compare mode)
    verdict TEXT NOT NULL,
    record TEXT NOT NULL,       -- the gate event as JSON
    PRIMARY KEY (name, line)
  );
  CREATE INDEX model_gates_version ON model_gates (name, version);
  CREATE TABLE model_gate_logs (
    name TEXT PRIMARY KEY,
    offset INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    bad INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 7: the name of the sweep that started a run (its run event's sweep.name). Runs indexed
  // before get it from the sweep folders' trials when the index is opened (sweepColumn.ts).
  `
  ALTER TABLE runs ADD COLUMN sweep TEXT;
  CREATE INDEX runs_sweep ON runs (sweep) WHERE sweep IS NOT NULL;
  `,
  // 8: a query's metric condition (metrics.val/acc.max >= 0.9) finds its runs by index.
  `
  CREATE INDEX summaries_last ON summaries (kid, last);
  CREATE INDEX summaries_min ON summaries (kid, min);
  CREATE INDEX summaries_max ON summaries (kid, max);
  CREATE INDEX summaries_count ON summaries (kid, count);
  `,
  // 9: the experiment index covers what the explorer's groups count (status, start), so
  // listing groups reads the index alone, not every run's row.
  `
  DROP INDEX runs_experiment;
  CREATE INDEX runs_experiment ON runs (experiment, deleted, status, started, created);
  `,
];

/** The version that added runs.sweep. */
export const SWEEP_COLUMN_VERSION = 7;

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Tables holding per-run rows, keyed by `rid` (used when a run is reset or removed). */
export const RUN_TABLES: readonly string[] = [
  'params',
  'points',
  'summaries',
  'lod',
  'tags',
  'images',
  'code_files',
  'ingest_offsets',
  'bad_lines',
  'run_models',
  'model_refs',
];
