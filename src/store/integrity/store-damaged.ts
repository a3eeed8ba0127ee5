// A store that must not be served: its files are missing, damaged or disagree with what they must contain.
// An operator's problem, reported as one line that says what is wrong, where, and what to do, and the
// server does not start. Never a silent start on a store that lost acknowledged work.

export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError';
}

/** The last sentence of every refusal: where to look and how to get the data back. */
export function whatToDo(dataDir: string): string {
  return (
    `No row was written. \`boxoffice reconcile --check --data-dir ${dataDir}\` reports every event; ` +
    'restore the data directory from a backup (the embedded shape cannot rebuild a damaged store yet).'
  );
}

/** The first line of a fault's message: engine errors may span many lines, the refusal must be one. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Emscripten's advice on rebuilding the engine is no help to an operator.
  return (text.split('\n')[0] ?? '')
    .replace(' Build with -sASSERTIONS for more info.', '')
    .replace(/\.$/, '')
    .trim();
}
