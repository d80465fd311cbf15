// A dependency's failure in French for the room (docs/dependencies.md): what is wrong and what to
// check, from the code the server gives (src/ports/failure.ts). The server's
// raw detail ("fetch failed: connect ECONNREFUSED …") is for the engineer: in the server log and in
// the row's title, never the words on the wall.

export type FailureCode =
  'refused' | 'timeout' | 'dns' | 'unreachable' | 'reset' | 'down' | 'auth' | 'http' | 'other';
/** `pbx`: Asterisk (ARI); `freeswitch`: its event socket, through drachtio. */
export type Dependency = 'pbx' | 'freeswitch' | 'redis' | 'lrm';

const WHAT: Record<FailureCode, string> = {
  refused: 'connexion refusée (service arrêté, ou adresse ou port erronés)',
  timeout: 'pas de réponse à temps (service arrêté, surchargé, ou réseau coupé)',
  dns: 'adresse introuvable (nom inconnu)',
  unreachable: 'réseau injoignable (route ou pare-feu)',
  reset: 'connexion coupée pendant l’échange',
  down: 'service injoignable (arrêté, ou réseau coupé)',
  auth: 'identifiants refusés',
  http: 'le service répond par une erreur',
  other: 'erreur inattendue',
};

const CHECK: Record<Dependency, Partial<Record<FailureCode, string>> & { other: string }> = {
  pbx: {
    refused: 'qu’Asterisk est démarré et que son interface ARI écoute (ARI_URL)',
    timeout: 'la charge du serveur téléphonique et le réseau entre l’ACD et le PBX',
    dns: 'l’adresse ARI_URL',
    unreachable: 'le réseau et le pare-feu entre l’ACD et le PBX',
    reset: 'le journal d’Asterisk (redémarrage ?) et le réseau',
    auth: 'ARI_USER et ARI_PASSWORD (ari.conf du PBX)',
    http: 'le journal d’Asterisk',
    other: 'le journal du serveur ACD',
  },
  freeswitch: {
    refused: 'que FreeSWITCH est démarré et que son interface event socket écoute (FREESWITCH_ESL)',
    down: 'que FreeSWITCH est démarré, son interface event socket (FREESWITCH_ESL) et le réseau',
    timeout: 'la charge de FreeSWITCH et le réseau entre l’ACD et FreeSWITCH',
    dns: 'l’adresse FREESWITCH_ESL',
    unreachable: 'le réseau et le pare-feu entre l’ACD et FreeSWITCH',
    reset: 'le journal de FreeSWITCH (redémarrage ?) et le réseau',
    other: 'le journal de FreeSWITCH et celui du serveur ACD',
  },
  redis: {
    refused: 'que redis-server est démarré et l’adresse REDIS_URL',
    timeout: 'que redis-server est démarré (REDIS_URL), sa charge et sa mémoire, et le réseau',
    down: 'que redis-server est démarré, l’adresse REDIS_URL et le réseau',
    dns: 'l’adresse REDIS_URL',
    unreachable: 'le réseau et le pare-feu entre l’ACD et Redis',
    other: 'redis-server, REDIS_URL et le journal du serveur ACD',
  },
  lrm: {
    refused: 'que le logiciel de régulation est démarré et l’adresse LRM_WEBHOOK_URL',
    timeout: 'la charge du logiciel de régulation et le réseau',
    dns: 'l’adresse LRM_WEBHOOK_URL',
    unreachable: 'le réseau et le pare-feu entre l’ACD et le LRM',
    auth: 'que LRM_WEBHOOK_SECRET est le même des deux côtés (signature refusée)',
    http: 'le journal du logiciel de régulation',
    other: 'le journal du serveur ACD',
  },
};

/** FreeSWITCH: drachtio-server's link lost (the event socket may still answer). */
export const DRACHTIO_DOWN_WORDS =
  'Cause : drachtio-server ne répond plus à l’ACD (aucun appel ne peut arriver). À vérifier : que drachtio-server est démarré et l’adresse DRACHTIO_URL.';

/** A process that does not lead the site holds no PBX link: nothing is wrong. */
export const STANDBY_WORDS =
  'Serveur en attente (il ne pilote pas ce site) : pas de lien avec le PBX, mesuré par le serveur actif';

/** « Cause : … À vérifier : … », or null when the server gave no code. */
export function failureWords(dep: Dependency, code: FailureCode | null | undefined): string | null {
  if (!code) return null;
  const what = WHAT[code] ?? WHAT.other;
  const check = CHECK[dep][code] ?? CHECK[dep].other;
  return `Cause : ${what}. À vérifier : ${check}.`;
}
