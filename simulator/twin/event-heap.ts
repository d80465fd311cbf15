// The twin's agenda: a binary min-heap of future happenings, ordered by time then by the order
// they were scheduled in, so two things due at the same millisecond always run in the same order
// and a run is reproducible from its seed. Items carry their own time and rank (no wrapper object
// per entry: the twin schedules millions of them).

export type Timed = { at: number; seq: number };

export class EventHeap<T extends Timed> {
  private readonly items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the next happening, or Infinity when none is scheduled. */
  peekAt(): number {
    return this.items.length > 0 ? this.items[0]!.at : Infinity;
  }

  /** Schedules `item` at `item.at`; its `seq` is set here. */
  push(item: T): void {
    const a = this.items;
    item.seq = this.seq++;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (earlier(parent, item)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
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
      const m = r < n && earlier(a[r]!, a[l]!) ? r : l;
      if (!earlier(a[m]!, last)) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = last;
    return top;
  }
}

function earlier(x: Timed, y: Timed): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
