// The TRUST_PROXY setting, as Express's `trust proxy` takes it: "true"/"false", a hop count
// ("1"), or addresses and subnets ("loopback", "10.0.0.0/8, 192.168.0.1"). See docs/api.md.
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
