// Redis stream ids ("<ms>-<seq>") compared as numbers, not strings ("9-0" < "10-0").

export function parseStreamId(id: string): [bigint, bigint] {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`not a stream id: ${JSON.stringify(id)}`);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parseStreamId(a);
  const [bm, bs] = parseStreamId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

export function minStreamId(a: string, b: string): string {
  return compareStreamIds(a, b) <= 0 ? a : b;
}

/** The millisecond part of a stream id (the server time at XADD). */
export function streamIdMs(id: string): number {
  return Number(parseStreamId(id)[0]);
}
