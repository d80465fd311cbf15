// The Stasis arguments after the line id, as the dialplan passes them (asterisk-config/
// extensions.conf: Stasis(sasacd,<line>,<key>=<value>)): which level a fire-brigade number asks
// for (`queue=n2-mg`, annex 1: the CTA-CODIS calls reach "directement à chaque niveau du SAS
// (front office -premier décroché- et back office - filières AMU, en priorité, et MG)"), and the
// partner SAS a call was received from (`origin=85`, report P59–P60). The site configuration
// decides: a queue the line may not enter directly is replaced by its entry queue by the engine
// (the PBX already holds the caller, so the call is never refused).
export type StasisOptions = { queue?: string; originSite?: string; ignored: string[] };

const VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function stasisOptions(args: readonly string[]): StasisOptions {
  const out: StasisOptions = { ignored: [] };
  for (const arg of args) {
    if (!arg) continue; // an unset ${SASACD_ARGS} is an empty argument
    const at = arg.indexOf('=');
    const key = arg.slice(0, at);
    const value = arg.slice(at + 1);
    if (at <= 0 || !VALUE.test(value)) out.ignored.push(arg);
    else if (key === 'queue') out.queue = value;
    else if (key === 'origin') out.originSite = value;
    else out.ignored.push(arg);
  }
  return out;
}
