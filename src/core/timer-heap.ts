// A binary min-heap of deadlines. It is an index derived from the state (rebuilt on load), and
// lazy: a deadline that changed leaves a stale entry behind, which is dropped when it surfaces.
export type TimerKind = 'call' | 'agent' | 'site';
export type TimerEntry = { at: number; kind: TimerKind; id: string };

export class TimerHeap {
  private readonly items: TimerEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  // Sifts move a hole rather than swap pairs (no array made per step); the order is the same.
  push(e: TimerEntry): void {
    const a = this.items;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= e.at) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }

  peek(): TimerEntry | undefined {
    return this.items[0];
  }

  pop(): TimerEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m: TimerEntry = last;
        let mi = i;
        if (l < a.length && a[l]!.at < m.at) {
          m = a[l]!;
          mi = l;
        }
        if (r < a.length && a[r]!.at < m.at) {
          m = a[r]!;
          mi = r;
        }
        if (mi === i) break;
        a[i] = m;
        i = mi;
      }
      a[i] = last;
    }
    return top;
  }
}
