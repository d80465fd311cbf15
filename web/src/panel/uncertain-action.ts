// A key the ARM pressed answered 503 `outcome-unknown`: the server did not answer in time, the
// action may or may not have been applied. Rather than the bare uncertainty, the panel asks the
// API about the command it names (GET /sites/{s}/commands/{id}) up to `tries` times, `gapMs`
// apart, and words the answer. `decided` is applied or refused (the state on screen says which),
// never to be pressed again blindly; `not-yet` / unknown stays uncertain.
export type CommandStatus = 'decided' | 'not-yet' | 'unknown';

export async function settleUncertain(
  ask: () => Promise<CommandStatus>,
  wait: (ms: number) => Promise<void>,
  { tries = 2, gapMs = 1500 } = {},
): Promise<string> {
  for (let i = 0; i < tries; i++) {
    if (i > 0) await wait(gapMs);
    let status: CommandStatus;
    try {
      status = await ask();
    } catch {
      status = 'unknown';
    }
    if (status === 'decided')
      return 'Action traitée par le serveur (appliquée, ou refusée si l’état ne le permettait plus) : vérifiez l’état affiché.';
    if (status === 'unknown') break;
  }
  return 'Action peut-être non appliquée : le serveur ne l’a pas encore traitée. Vérifiez l’état affiché avant de la refaire.';
}
