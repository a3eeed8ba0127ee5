// Start-up failures an operator fixes by changing the set-up (a data dir in use, a database that does not
// exist, a login PostgreSQL refuses): one line that says what to change. Anything else is a fault and keeps
// its stack.

/** PostgreSQL's SQLSTATE codes of a connection that names a missing database or a refused login. */
const MISSING_DATABASE = '3D000';
const LOGIN_REFUSED = new Set(['28000', '28P01']);
const OPERATOR_ERRORS = new Set([
  'DataDirInUseError',
  'StoreDamagedError',
  'LogDamagedError',
  'RedisPersistenceError',
]);

export function operatorMessage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  // Errors that explain themselves in one line (what is wrong, where, what to do).
  if (OPERATOR_ERRORS.has(error.name)) return error.message;
  const code = (error as { code?: unknown }).code;
  if (code === MISSING_DATABASE)
    return `${error.message} (DATABASE_URL): create it first (createdb, or CREATE DATABASE), or correct DATABASE_URL`;
  if (typeof code === 'string' && LOGIN_REFUSED.has(code))
    return `PostgreSQL refused the login of DATABASE_URL: ${error.message}`;
  if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL') {
    const { address, port } = error as { address?: string; port?: number };
    return `cannot listen on ${address ?? 'the address'}:${port ?? '?'} (${code}): another process uses it, or the address is not this machine's; set PORT/--port or HOST/--host`;
  }
  return undefined;
}
