/** A run that could not start — no server, no event — as opposed to a fault of the tool: shown without a stack. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}
