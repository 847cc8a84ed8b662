// Test helper: the whole index as plain data, with run and key ids replaced by their names,
// so two indexes built in different orders can be compared.
import type { Store } from '../../src/core/store';

export function dumpIndex(store: Store): Record<string, unknown[]> {
  const q = (sql: string): unknown[] => store.engine.prepare(sql).all();
  const run = 'r.id AS run';
  return {
    runs: q('SELECT * FROM runs ORDER BY id').map((r) => {
      const { rid: _rid, ...rest } = r as { rid: number };
      return rest;
    }),
    params: q(`SELECT ${run}, p.key, p.value, p.num FROM params p JOIN runs r USING (rid) ORDER BY run, p.key`),
    summaries: q(
      `SELECT ${run}, k.key, s.count, s.nans, s.min, s.max, s.first_step, s.last_step, s.last, s.t, s.seq
       FROM summaries s JOIN runs r USING (rid) JOIN metric_keys k USING (kid) ORDER BY run, k.key`,
    ),
    points: q(
      `SELECT ${run}, k.key, p.step, p.value, p.t, p.epoch FROM points p JOIN runs r USING (rid) JOIN metric_keys k USING (kid)
       ORDER BY run, k.key, p.step`,
    ),
    lod: q(
      `SELECT ${run}, k.key, l.level, l.bucket, l.count, l.nans, l.min, l.max, l.first_step, l.last_step, l.first, l.last
       FROM lod l JOIN runs r USING (rid) JOIN metric_keys k USING (kid) ORDER BY run, k.key, l.level, l.bucket`,
    ),
    tags: q(`SELECT ${run}, t.tag FROM tags t JOIN runs r USING (rid) ORDER BY run, t.tag`),
    artifacts: q(
      `SELECT ${run}, a.name, a.kind, a.hash, a.size, a.source, a.t,
         (SELECT json_group_array(json_array(path, hash, size)) FROM (SELECT * FROM artifact_files f WHERE f.aid = a.aid ORDER BY path)) AS files
       FROM artifacts a JOIN runs r USING (rid) ORDER BY run, a.aid`,
    ),
    images: q(`SELECT ${run}, i.key, i.step, i.hash, i.format, i.size, i.width, i.height, i.t FROM images i JOIN runs r USING (rid) ORDER BY run, i.key, i.step`),
    datasets: q(
      `SELECT ${run}, d.name, d.path, d.hash, d.size, d.columns, d.t,
         (SELECT json_group_array(json_array(path, hash, size)) FROM (SELECT * FROM dataset_files f WHERE f.did = d.did ORDER BY path)) AS files
       FROM datasets d JOIN runs r USING (rid) ORDER BY run, d.did`,
    ),
    code: q(`SELECT ${run}, c.path, c.hash, c.size, c.root, c.t FROM code_files c JOIN runs r USING (rid) ORDER BY run, c.path`),
    offsets: q(`SELECT ${run}, o.offset, o.lines, o.bad FROM ingest_offsets o JOIN runs r USING (rid) ORDER BY run`),
    badLines: q(`SELECT ${run}, b.line, b.message FROM bad_lines b JOIN runs r USING (rid) ORDER BY run, b.line`),
  };
}
