// A ring effect is done once its INVITE is on its way, as on Asterisk (an originate): the phone's
// answer or failure comes later as a command (answerOffer, offerFailed). Awaiting the whole ring
// instead held every later effect of the call (the EffectRunner runs a call's effects in order)
// until the phone answered or the ring timed out: a cancelRing (agent logged out or paused, caller
// taken by another agent, supervisor action) left the phone ringing for up to the ring timeout.

/**
 * Starts `ring` and resolves once it calls `sent` (its INVITE is out) or ends, whichever is first.
 * A failure before the INVITE rejects (the effect failed); one after it goes to `lateFailure`.
 */
export function untilSent(
  ring: (sent: () => void) => Promise<void>,
  lateFailure: (err: unknown) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = false;
    ring(() => {
      out = true;
      resolve();
    }).then(resolve, (err: unknown) => {
      if (out) lateFailure(err);
      else reject(err);
    });
  });
}
