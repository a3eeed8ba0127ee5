// A Prometheus histogram for the hot path. prom-client's Histogram hashes its label object and looks up its
// bucket by a string key on every observe(); inside the server that measured ~4 µs of CPU per request
// (docs/benchmarks.md). Here each label set gets its series once, and a request costs a short bucket scan
// and three additions on a Float64Array. It is registered in the same prom-client Registry, which asks it
// for its values at scrape time.
import type { Registry } from 'prom-client';

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** One count per bucket (not cumulative), then sum, then count. */
  readonly cells: Float64Array;
}

export class FixedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #buckets: readonly number[];
  readonly #series: Series[] = [];

  constructor(options: { name: string; help: string; buckets: readonly number[]; registry: Registry }) {
    this.name = options.name;
    this.help = options.help;
    this.#buckets = [...options.buckets].sort((a, b) => a - b);
    options.registry.registerMetric(this as never);
  }

  /** A recorder for one label set: create it once, call it per observation (value in the histogram's unit). */
  recorder(labels: Readonly<Record<string, string>>): (value: number) => void {
    const buckets = this.#buckets;
    const cells = new Float64Array(buckets.length + 2);
    this.#series.push({ labels, cells });
    const sumCell = buckets.length;
    return (value) => {
      let bucket = 0;
      while (bucket < sumCell && value > (buckets[bucket] as number)) bucket++;
      if (bucket < sumCell) (cells[bucket] as number)++;
      cells[sumCell] = (cells[sumCell] as number) + value;
      (cells[sumCell + 1] as number)++;
    };
  }

  /** prom-client's metric interface, called by Registry.metrics(). */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, cells } of this.#series) {
      let cumulative = 0;
      for (const [i, le] of this.#buckets.entries()) {
        cumulative += cells[i] as number;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      const count = cells[this.#buckets.length + 1] as number;
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: cells[this.#buckets.length] as number, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const { cells } of this.#series) cells.fill(0);
  }
}
