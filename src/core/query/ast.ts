// The parsed form of a query: conditions on fields whose names and values are already checked.

/** A span of unix ms [lo, hi): a date stands for its whole day, a minute for its minute… */
export interface TimeSpan {
  lo: number;
  hi: number;
}

export type TextColumn = 'id' | 'name' | 'experiment' | 'note' | 'job' | 'source' | 'host' | 'git_branch' | 'sweep';
export type TimeColumn = 'started' | 'ended' | 'updated';
export type MetricAgg = 'last' | 'min' | 'max' | 'count';
export type DatasetPart = 'any' | 'name' | 'path' | 'hash';

export type Field =
  | { kind: 'text'; column: TextColumn }
  | { kind: 'status' }
  | { kind: 'commit' }
  | { kind: 'time'; column: TimeColumn }
  | { kind: 'duration' }
  | { kind: 'tags' }
  | { kind: 'dataset'; part: DatasetPart }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string; agg: MetricAgg };

/** Comparison operators after normalizing (`:` and `==` are `=`; negated forms wrap in `not`). */
export type Op = '=' | '<' | '<=' | '>' | '>=' | '~' | 'contains' | 'in';

export type Value = string | number | boolean | null | TimeSpan;

export type QueryNode =
  | { kind: 'and'; items: QueryNode[] }
  | { kind: 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  | { kind: 'text'; value: string }
  | { kind: 'cmp'; field: Field; op: Op; values: Value[] }
  | { kind: 'all' };
