// The outside call an agent places from the call it is on, as the blind transfer (`handOver`) and
// the consultation (`consult`) routes both do: one `dialOut` of a new outbound call, answered with
// its reference and view (the routes' 201 body).
import { randomUUID } from 'node:crypto';
import type { OutboundPurpose } from '../../core/model.js';
import { callRef } from '../../lrm/call-ref.js';
import type { SiteHandle } from '../../ports/site-handle.js';
import { callView } from '../../read-models/views.js';
import { findCall } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';

export async function dialFromCall(
  ctx: ApiContext,
  site: SiteHandle,
  agentId: string,
  body: { callId: string; number: string; purpose?: OutboundPurpose | undefined },
  how: { handOver: true } | { consult: true },
) {
  const parent = findCall(site, body.callId);
  const callId = `out-${randomUUID()}`;
  const result = await dispatch(ctx, site, {
    type: 'dialOut',
    callId,
    agentId,
    number: body.number,
    purpose: body.purpose ?? 'external-transfer',
    parentCallId: parent.id,
    ...how,
  });
  const call = site.state.data.calls[callId];
  return {
    callRef: callRef(site.siteId, callId),
    call: call ? callView(call) : null,
    events: eventSummaries(result),
  };
}
