// The environment of the children of the bench, the load tester and the tests, made explicit: never a
// setting the caller happens to have exported. An inherited REDIS_URL and DATABASE_URL would turn the
// embedded server into a distributed one, an inherited PORT or BOXOFFICE_* would change what is measured.
// The bench's children get only the few variables that say where programs, the home and the temporary
// directories are (childEnvironment); a server for a test or a load test, all but boxoffice's settings.

/** Where things are, and the locale: nothing here configures boxoffice, Redis, PostgreSQL or wrk. */
const PASSED_THROUGH = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'] as const;

export type ChildEnvironment = Readonly<Record<string, string>>;

/** The caller's pass-through variables (only those), with `settings` added. */
export function childEnvironment(
  caller: Readonly<Record<string, string | undefined>>,
  settings: Readonly<Record<string, string>> = {},
): ChildEnvironment {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = caller[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...settings };
}

/**
 * The variables boxoffice takes its settings from (src/config.ts) and any Redis one: a server started for a
 * test or a load-test rehearsal gets none of the caller's, only what its starter gives it.
 */
const SERVER_SETTINGS = /^(BOXOFFICE_|REDIS_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/;

/** The caller's environment without boxoffice's settings; the rest (NODE_OPTIONS, CI…) passes through. */
export function withoutServerSettings(
  caller: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(caller).filter(([name]) => !SERVER_SETTINGS.test(name)));
}
