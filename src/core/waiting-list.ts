// One queue's waiting calls, kept sorted: urgency first (P0 > P1 > P2, see urgency.ts), then the
// line's priority class (larger is more urgent), then the call's original arrival at the platform,
// then the order of entry. Offered calls leave the list and come back to the very same place
// (same key) if the agent does not answer. No aging: see urgency.ts.
export type WaitingEntry = {
  callId: string;
  urgency: number;
  priority: number;
  arrivedAt: number;
  seq: number;
};

function before(a: WaitingEntry, b: WaitingEntry): boolean {
  if (a.urgency !== b.urgency) return a.urgency > b.urgency;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.arrivedAt !== b.arrivedAt) return a.arrivedAt < b.arrivedAt;
  return a.seq < b.seq;
}

export class WaitingList {
  readonly entries: WaitingEntry[] = [];

  get length(): number {
    return this.entries.length;
  }

  /** Index of the first entry that does not come before `e` (binary search). */
  private lowerBound(e: WaitingEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.entries[mid]!, e)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(e: WaitingEntry): void {
    this.entries.splice(this.lowerBound(e), 0, e);
  }

  remove(e: WaitingEntry): boolean {
    const i = this.lowerBound(e);
    if (this.entries[i]?.callId === e.callId) {
      this.entries.splice(i, 1);
      return true;
    }
    // Not where its key says (should not happen): fall back to a scan so nothing is left behind.
    const j = this.entries.findIndex((x) => x.callId === e.callId);
    if (j >= 0) this.entries.splice(j, 1);
    return j >= 0;
  }

  head(): WaitingEntry | undefined {
    return this.entries[0];
  }
}
