// A chart's copy of one series: the buckets the host sent plus raw points appended while the
// run is live (each a one-point bucket). Growable columns, so appends cost O(new points).
import type { AppendedPoints, SeriesData } from '../../src/protocol/series';

const COLUMNS = ['steps', 'lastSteps', 'min', 'max', 'first', 'last', 'counts', 't', 'lastT', 'epochs', 'lastEpochs'] as const;
type Column = (typeof COLUMNS)[number];

export class SeriesBuffer {
  length = 0;
  points = 0;
  exact: boolean;
  private cols: Record<Column, Float64Array>;

  constructor(data: SeriesData) {
    this.exact = data.exact;
    this.points = data.points;
    this.length = data.steps.length;
    const cap = Math.max(16, this.length);
    this.cols = {} as Record<Column, Float64Array>;
    for (const c of COLUMNS) {
      const a = new Float64Array(cap);
      a.set(data[c].subarray(0, this.length));
      this.cols[c] = a;
    }
  }

  col(c: Column): Float64Array {
    return this.cols[c];
  }

  get lastStep(): number {
    return this.length ? this.cols.lastSteps[this.length - 1] : Number.NEGATIVE_INFINITY;
  }

  /**
   * Appends points the host sent as new (it keeps the cursor, so a repeat of the last step is
   * a further value at that step); a point before the last step held is left out, as the
   * chart's x order must hold. Returns how many were added.
   */
  append(p: AppendedPoints): number {
    let added = 0;
    for (let i = 0; i < p.steps.length; i++) {
      const step = p.steps[i];
      if (!(step >= this.lastStep)) continue;
      if (this.length === this.cols.steps.length) this.grow();
      const v = p.values[i];
      const j = this.length++;
      const c = this.cols;
      c.steps[j] = c.lastSteps[j] = step;
      c.min[j] = c.max[j] = c.first[j] = c.last[j] = v;
      c.counts[j] = 1;
      c.t[j] = c.lastT[j] = p.t[i];
      c.epochs[j] = c.lastEpochs[j] = p.epochs[i];
      added++;
    }
    this.points += added;
    return added;
  }

  private grow(): void {
    for (const c of COLUMNS) {
      const a = new Float64Array(this.cols[c].length * 2);
      a.set(this.cols[c]);
      this.cols[c] = a;
    }
  }
}
