// Ids differ between runs: channels, bridges and playbacks are compared by label instead. A channel's
// label is its name without the per-call sequence (PJSIP/arm-1-00000004 → PJSIP/arm-1) plus the
// order in which that name first appeared; a bridge's is its name and order; a playback's its order.

const CHANNEL_SUFFIX = /-[0-9a-f]{8}(;\d)?$/;

export function channelPrefix(name: string): string {
  return name.replace(CHANNEL_SUFFIX, (_m, half: string | undefined) => half ?? '');
}

export const ID_PATTERN = /\b\d{9,}\.\d+\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

export class Labeler {
  private readonly byId = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  private assign(id: string, base: string): string {
    const known = this.byId.get(id);
    if (known) return known;
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    const label = `${base}#${n}`;
    this.byId.set(id, label);
    return label;
  }

  channel(c: { id?: unknown; name?: unknown }): string {
    if (typeof c.id !== 'string') return '?';
    if (typeof c.name !== 'string') return this.assign(c.id, 'channel');
    // a Snoop channel's name holds its target's id
    const base = channelPrefix(c.name).replace(ID_PATTERN, (id) => this.byId.get(id) ?? id);
    return this.assign(c.id, base);
  }

  bridge(b: { id?: unknown; name?: unknown }): string {
    if (typeof b.id !== 'string') return '?';
    return this.assign(b.id, `bridge:${typeof b.name === 'string' ? b.name : ''}`);
  }

  playback(p: { id?: unknown }): string {
    if (typeof p.id !== 'string') return '?';
    return this.assign(p.id, 'playback');
  }

  /** The label of an id already seen, or "unknown" (e.g. the MOH announcer inside a bridge). */
  of(id: string): string {
    return this.byId.get(id) ?? 'unknown';
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): Map<string, string> {
    return this.byId;
  }

  /** Learn every channel, bridge and playback in an event or response body. */
  learn(value: unknown): void {
    if (Array.isArray(value)) {
      for (const v of value) this.learn(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'string') {
      if ('bridge_type' in o) this.bridge(o);
      else if ('media_uri' in o) this.playback(o);
      else if ('dialplan' in o && typeof o.name === 'string') this.channel(o);
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') this.learn(v);
  }
}
