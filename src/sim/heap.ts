/**
 * A binary min-heap of events keyed by (time, seq). The sequence number makes simultaneous events come out in
 * the order they were scheduled, which is what makes a run reproducible.
 */
export interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly type: number;
  readonly ref: number;
}

export class EventHeap {
  private readonly items: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peekTime(): number {
    return this.items[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  push(time: number, type: number, ref: number): void {
    const items = this.items;
    const event: SimEvent = { time, seq: this.seq++, type, ref };
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as SimEvent;
      if (p.time < time || (p.time === time && p.seq < event.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = event;
  }

  pop(): SimEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      const lc = items[l] as SimEvent;
      if (r < n) {
        const rc = items[r] as SimEvent;
        if (rc.time < lc.time || (rc.time === lc.time && rc.seq < lc.seq)) c = r;
      }
      const child = items[c] as SimEvent;
      if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
