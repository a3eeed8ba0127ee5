// The environment of the bench's children, made explicit. A child gets the few variables that say where
// programs, the home and the temporary directories are, plus the settings the bench gives it, and never a
// setting the caller happens to have exported: an inherited REDIS_URL and DATABASE_URL would turn the
// embedded server into a distributed one, an inherited PORT or BOXOFFICE_* would change what is measured.

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
