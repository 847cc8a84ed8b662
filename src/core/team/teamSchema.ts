// The team index's schema in PostgreSQL (schema "trackside") and its forward migrations.
// trackside.migrations holds one row per migration applied; a new version only ever
// appends to TEAM_MIGRATIONS. Tables mirror the local index (src/core/schema.ts) so the
// same queries read both, plus what a shared index needs: how far each run's log was
// pushed, who pushed it, and a change counter that views poll.
//
// Conventions as in the local index: NaN is stored as NULL, ±Infinity kept; times are unix
// ms. Numbers that come from event logs are double precision (a log may hold any finite
// number); ids of rows made here are bigint.

import { RUN_TABLES } from '../schema';

export const TEAM_MIGRATIONS: readonly string[] = [
  // 1: runs, their records and points, models and checkpoints' metadata
  `
  CREATE SEQUENCE trackside.changes;

  CREATE TABLE trackside.runs (
    rid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    name text,
    experiment text,
    status text NOT NULL DEFAULT 'running',
    exit_code double precision,
    error text,
    created double precision,
    started double precision,
    ended double precision,
    updated double precision,
    command text,
    cwd text,
    script text,
    git_commit text,
    git_branch text,
    git_dirty smallint,
    git_diff text,
    python_executable text,
    python_version text,
    host text,
    pid double precision,
    note text,
    deleted smallint NOT NULL DEFAULT 0,
    source text,
    job text,
    parent text,
    imported text,
    sys_samples integer NOT NULL DEFAULT 0,
    -- How far the run's events.jsonl has been pushed (bytes, lines), its bad lines, and the
    -- hash of its first line (the same run id from another folder is another run).
    log_offset bigint NOT NULL DEFAULT 0,
    log_lines bigint NOT NULL DEFAULT 0,
    log_bad bigint NOT NULL DEFAULT 0,
    log_head text,
    -- Who pushed it first (OS user, host), and when it last changed (the changes sequence).
    pushed_by text NOT NULL,
    pushed_host text NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    change bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_started ON trackside.runs ((coalesce(started, created)));
  CREATE INDEX runs_experiment ON trackside.runs (experiment);
  CREATE INDEX runs_change ON trackside.runs (change);

  CREATE TABLE trackside.params (
    rid bigint NOT NULL,
    key text NOT NULL,
    value text,
    num double precision,
    -- The value as SQLite's json_extract gives it, as text (strings unquoted): for ~ and contains.
    txt text,
    -- true when the value is a JSON string: "params.x = abc" matches strings only.
    is_text boolean NOT NULL DEFAULT false,
    PRIMARY KEY (rid, key)
  );
  CREATE INDEX params_key ON trackside.params (key, num);

  CREATE TABLE trackside.metric_keys (
    kid serial PRIMARY KEY,
    key text NOT NULL UNIQUE
  );

  CREATE TABLE trackside.points (
    rid bigint NOT NULL,
    kid integer NOT NULL,
    step double precision NOT NULL,
    seq integer NOT NULL,
    value double precision,
    t double precision,
    epoch double precision,
    PRIMARY KEY (rid, kid, step, seq)
  );

  CREATE TABLE trackside.summaries (
    rid bigint NOT NULL,
    kid integer NOT NULL,
    count bigint NOT NULL,
    nans bigint NOT NULL,
    min double precision,
    max double precision,
    first_step double precision NOT NULL,
    last_step double precision NOT NULL,
    last_seq integer NOT NULL DEFAULT 0,
    last double precision,
    t double precision,
    seq bigint NOT NULL,
    PRIMARY KEY (rid, kid)
  );
  CREATE INDEX summaries_kid ON trackside.summaries (kid);

  CREATE TABLE trackside.lod (
    rid bigint NOT NULL,
    kid integer NOT NULL,
    level smallint NOT NULL,
    bucket double precision NOT NULL,
    count bigint NOT NULL,
    nans bigint NOT NULL,
    min double precision,
    max double precision,
    first_step double precision NOT NULL,
    last_step double precision NOT NULL,
    first double precision,
    last double precision,
    PRIMARY KEY (rid, kid, level, bucket)
  );

  CREATE TABLE trackside.tags (
    rid bigint NOT NULL,
    tag text NOT NULL,
    PRIMARY KEY (rid, tag)
  );
  CREATE INDEX tags_tag ON trackside.tags (tag);

  CREATE TABLE trackside.artifacts (
    aid bigserial PRIMARY KEY,
    rid bigint NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    source text,
    t double precision
  );
  CREATE INDEX artifacts_rid ON trackside.artifacts (rid);
  CREATE TABLE trackside.artifact_files (
    aid bigint NOT NULL,
    path text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    PRIMARY KEY (aid, path)
  );

  CREATE TABLE trackside.images (
    rid bigint NOT NULL,
    key text NOT NULL,
    step double precision NOT NULL,
    hash text NOT NULL,
    format text NOT NULL,
    size double precision NOT NULL,
    width double precision,
    height double precision,
    t double precision,
    PRIMARY KEY (rid, key, step)
  );

  CREATE TABLE trackside.datasets (
    did bigserial PRIMARY KEY,
    rid bigint NOT NULL,
    name text NOT NULL,
    path text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    columns text,
    t double precision
  );
  CREATE INDEX datasets_rid ON trackside.datasets (rid);
  CREATE INDEX datasets_hash ON trackside.datasets (hash);
  CREATE TABLE trackside.dataset_files (
    did bigint NOT NULL,
    path text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    PRIMARY KEY (did, path)
  );

  CREATE TABLE trackside.code_files (
    rid bigint NOT NULL,
    path text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    root text,
    t double precision,
    PRIMARY KEY (rid, path)
  );

  CREATE TABLE trackside.bad_lines (
    rid bigint NOT NULL,
    line bigint NOT NULL,
    message text NOT NULL,
    PRIMARY KEY (rid, line)
  );

  CREATE TABLE trackside.run_models (
    rid bigint NOT NULL,
    name text NOT NULL,
    hash text NOT NULL,
    version integer,
    t double precision,
    PRIMARY KEY (rid, name, hash)
  );

  CREATE TABLE trackside.model_refs (
    rid bigint PRIMARY KEY,
    name text NOT NULL,
    version integer NOT NULL,
    ref text,
    hash text,
    t double precision
  );
  CREATE INDEX model_refs_version ON trackside.model_refs (name, version);

  -- Model versions as their registry files say; a number taken by another model version
  -- elsewhere is reported at push and not replaced.
  CREATE TABLE trackside.model_versions (
    name text NOT NULL,
    version integer NOT NULL,
    run_id text,
    hash text NOT NULL,
    size double precision NOT NULL,
    t double precision,
    record text NOT NULL,
    pushed_by text NOT NULL,
    pushed_host text NOT NULL,
    PRIMARY KEY (name, version)
  );

  -- Each alias as its latest move (by time) from any machine; version NULL: removed.
  CREATE TABLE trackside.model_aliases (
    name text NOT NULL,
    alias text NOT NULL,
    version integer,
    t double precision NOT NULL,
    pushed_by text NOT NULL,
    PRIMARY KEY (name, alias)
  );

  -- How far each workspace's model alias logs and notebook checkpoint logs were pushed.
  CREATE TABLE trackside.pushed_logs (
    origin text NOT NULL,
    log text NOT NULL,
    offset_bytes bigint NOT NULL,
    lines bigint NOT NULL,
    PRIMARY KEY (origin, log)
  );

  -- Notebook checkpoints taken at tracked runs (their metadata; the notebook is a blob).
  CREATE TABLE trackside.checkpoints (
    id text PRIMARY KEY,
    run_id text,
    t double precision NOT NULL,
    kind text NOT NULL,
    hash text NOT NULL,
    size double precision NOT NULL,
    path text NOT NULL,
    label text,
    pushed_by text NOT NULL
  );
  CREATE INDEX checkpoints_run ON trackside.checkpoints (run_id);
  `,
  // 2: the name of the sweep that started a run. Runs pushed before get it at their next
  // push from the pushing workspace's index (teamPush.ts).
  `
  ALTER TABLE trackside.runs ADD COLUMN sweep text;
  CREATE INDEX runs_sweep ON trackside.runs (sweep) WHERE sweep IS NOT NULL;
  `,
  // 3: reads that stay fast over many runs and long series. Lists page newest first along an
  // index of their own order; a metric condition reads the runs within its range of one key.
  // Each level-of-detail row keeps the time and epoch of its first and last point, so a chart
  // needs no look-up of points at its bucket edges (edge_times: set by pushes from this
  // version on; rows pushed before are read the old way).
  `
  CREATE INDEX runs_newest ON trackside.runs ((coalesce(started, created)) DESC NULLS LAST, id COLLATE "C" DESC);
  DROP INDEX trackside.summaries_kid;
  CREATE INDEX summaries_kid_last ON trackside.summaries (kid, last);
  CREATE INDEX summaries_kid_min ON trackside.summaries (kid, min);
  CREATE INDEX summaries_kid_max ON trackside.summaries (kid, max);
  ALTER TABLE trackside.lod
    ADD COLUMN first_t double precision,
    ADD COLUMN first_epoch double precision,
    ADD COLUMN last_t double precision,
    ADD COLUMN last_epoch double precision,
    ADD COLUMN edge_times boolean NOT NULL DEFAULT false;
  `,
];

export const TEAM_SCHEMA_VERSION = TEAM_MIGRATIONS.length;

/** Tables holding a run's rows by rid (emptied when a run's log was replaced and is pushed again): the local ones but the read offsets. */
export const TEAM_RUN_TABLES: readonly string[] = RUN_TABLES.filter((t) => t !== 'ingest_offsets');

export const WRITER_ROLE = 'trackside_writer';
export const READER_ROLE = 'trackside_reader';
