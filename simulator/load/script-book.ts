// What each simulated caller will do once answered (its trace row), looked up by the caller's
// number so bot agents play the call as the trace says. Unknown or withheld callers get a default.
import type { TraceCall } from '../traffic/trace.js';

export const DEFAULT_SCRIPT: TraceCall = {
  arrivalS: 0,
  line: '15',
  caller: '',
  patienceS: null,
  n1TalkS: 45,
  qualification: 'P1',
  n2TalkS: 120,
  regulationTalkS: null,
  bookingTalkS: null,
  department: null,
};

export class ScriptBook {
  private readonly byCall = new Map<string, TraceCall>();

  set(callerNumber: string, script: TraceCall): void {
    this.byCall.set(callerNumber, script);
  }

  get(callerNumber: string | null): TraceCall {
    return (callerNumber && this.byCall.get(callerNumber)) || DEFAULT_SCRIPT;
  }
}
