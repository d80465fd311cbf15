// The twin's agenda: a binary min-heap of future happenings, ordered by time then by the order
// they were scheduled in, so two things due at the same millisecond always run in the same order
// and a run is reproducible from its seed.

export type Scheduled<T> = { at: number; seq: number; item: T };

export class EventHeap<T> {
  private readonly items: Scheduled<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the next happening, or Infinity when none is scheduled. */
  peekAt(): number {
    return this.items.length > 0 ? this.items[0]!.at : Infinity;
  }

  push(at: number, item: T): void {
    const a = this.items;
    const e = { at, seq: this.seq++, item };
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (parent.at < at || (parent.at === at && parent.seq < e.seq)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = e;
  }

  pop(): Scheduled<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && earlier(a[r]!, a[l]!)) m = r;
      if (!earlier(a[m]!, last)) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = last;
    return top;
  }
}

function earlier<T>(x: Scheduled<T>, y: Scheduled<T>): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
