// How long the simulated Asterisk takes to carry out an ARI operation. The defaults are Asterisk
// 22's, read from the recorded traces (request sent → the event it causes, on loopback): answer
// 1–3 ms (the 204 comes after the state change), addChannel 1–5 ms, originate → first Dial 3–6 ms,
// hangup 0–5 ms. Tests may set them to 0 (instant) or higher (a loaded PBX).

export interface PbxTiming {
  /** POST /channels/{id}/answer: the channel is Up, then the 204 is sent. */
  answerMs: number;
  /** addChannel, removeChannel, DELETE /bridges/{id}: the change happens this long after the 204. */
  bridgeMs: number;
  /** DELETE /channels/{id}: the hang-up happens this long after the 204. */
  hangupMs: number;
  /** POST /channels: the first Dial (and the phone's INVITE) this long after the 200. */
  originateMs: number;
}

export const ASTERISK_TIMING: PbxTiming = { answerMs: 2, bridgeMs: 2, hangupMs: 1, originateMs: 3 };

/** Every operation at once (the simulator's behaviour before timing was modelled). */
export const INSTANT_TIMING: PbxTiming = { answerMs: 0, bridgeMs: 0, hangupMs: 0, originateMs: 0 };

/** Asterisk's timing with `overrides`; each value must be a finite number ≥ 0. */
export function pbxTiming(overrides: Partial<PbxTiming> = {}): PbxTiming {
  const t = { ...ASTERISK_TIMING, ...overrides };
  for (const [k, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`sim-pbx timing ${k} must be a number ≥ 0, got ${v}`);
  }
  return t;
}
