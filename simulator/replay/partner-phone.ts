// The partner SAS of the replay's own stack. When the ACD sends a caller to a partner (a line
// switched to it, a queue's partner overflow), it `continue`s the caller into the dialplan's
// partner-sas context; the real dialplan then Dial()s the partner over the trunk. sim-pbx does the
// same with `--route partner-sas=PJSIP/partner-sas` (child-stack.ts), and this phone is that
// partner: it answers every call and hangs up after a short talk, so the caller ends as after a
// real partner redirect instead of staying in the dialplan for ever (a "stuck" call and a channel
// left). Neither account counts what happens after the redirect: the ACD's call ends there, and the
// ground truth closes the wait at the "continued" entry (the partner's leg is not an agent's).
import { PhoneClient, type PhoneMessage } from '../bots/phone-client.js';

/** The dialplan context the ACD continues a caller into (the ARI adapter's default `partnerContext`). */
export const PARTNER_CONTEXT = 'partner-sas';
/** The endpoint sim-pbx dials for that context. */
export const PARTNER_ENDPOINT = 'PJSIP/partner-sas';
/** How long the partner talks with a caller, in simulated seconds. ILLUSTRATIVE: no figure depends on it. */
export const PARTNER_TALK_SECONDS = 30;

/** Registers the partner's phone on sim-pbx's endpoint side: it answers at once, hangs up after the talk. */
export async function startPartnerPhone(endpointsWs: string, speed: number): Promise<PhoneClient> {
  const phone = await PhoneClient.register(endpointsWs, PARTNER_ENDPOINT);
  const talkMs = Math.max(100, (PARTNER_TALK_SECONDS * 1000) / speed);
  const talks = new Map<string, NodeJS.Timeout>();
  phone.on('invite', (m: PhoneMessage) => {
    const channelId = String(m.channelId);
    phone.answer(channelId);
    const timer = setTimeout(() => {
      talks.delete(channelId);
      phone.hangup(channelId);
    }, talkMs);
    talks.set(channelId, timer.unref());
  });
  // The caller hung up first: nothing left to hang up.
  const gone = (m: PhoneMessage) => {
    clearTimeout(talks.get(String(m.channelId)));
    talks.delete(String(m.channelId));
  };
  phone.on('hungup', gone);
  phone.on('cancelled', gone);
  // A late hang-up sim-pbx refuses (the leg just went): not the replay's failure.
  phone.on('error', () => undefined);
  return phone;
}
