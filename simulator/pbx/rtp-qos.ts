// The RTP statistics Asterisk sets on an answered SIP channel as it hangs up (ChannelVarset
// RTPAUDIOQOS*). No media flows through sim-pbx, so every figure is zero.

export const RTP_QOS: [string, string][] = [
  [
    'RTPAUDIOQOS',
    'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000',
  ],
  [
    'RTPAUDIOQOSJITTER',
    'minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;',
  ],
  [
    'RTPAUDIOQOSLOSS',
    'minrxlost=000.000000;maxrxlost=000.000000;avgrxlost=000.000000;stdevrxlost=000.000000;',
  ],
  ['RTPAUDIOQOSRTT', 'minrtt=000.000000;maxrtt=000.000000;avgrtt=000.000000;stdevrtt=000.000000;'],
  ['RTPAUDIOQOSMES', 'minrxmes=000.000000;maxrxmes=000.000000;avgrxmes=000.000000;stdevrxmes=000.000000;'],
];
