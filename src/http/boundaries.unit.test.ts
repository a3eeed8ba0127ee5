// Routes see services only: the HTTP side reads no port of the shape itself. Only app.ts, which is handed
// the ports and makes the services of them (route-deps.ts), may import from gate/ or store/; a route that
// wants a count or a row asks a service (src/service/), whose ports the shape has wrapped so that their
// outages are domain errors. Checked over every static, type-only and dynamic import of src/http/.
import { relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { importsOf, SRC, sourceFiles, within } from '../../test/support/source-imports.js';
import type { Gate } from '../gate/gate.js';
import type { Store } from '../store/store.js';
import type { RouteDeps } from './route-deps.js';

/** The ports of the shape, which the HTTP side must not reach past its services. */
const PORTS = ['gate', 'store'];
/** Where the ports are handed over and turned into services. */
const COMPOSITION = new Set(['http/app.ts', 'http/route-deps.ts']);

function violations(files: readonly string[], read: (file: string) => string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = relative(SRC, file);
    if (!within(from, 'http') || COMPOSITION.has(from) || from.endsWith('.test.ts')) continue;
    for (const target of read(file))
      if (PORTS.some((port) => within(target, port))) found.push(`${from} imports ${target}`);
  }
  return found;
}

/** The members of T that are a whole port (never, when there are none). */
type PortMembers<T> = { [K in keyof T]-?: NonNullable<T[K]> extends Gate | Store ? K : never }[keyof T];

describe('import boundaries of the HTTP side', () => {
  it('hands routes services, never a port (held by the type checker)', () => {
    expectTypeOf<PortMembers<RouteDeps>>().toBeNever();
    expectTypeOf<PortMembers<{ gate: Gate; store?: Store; n: number }>>().toEqualTypeOf<'gate' | 'store'>();
  });

  it('no route (nor any other file of http/ but its composition) imports from gate/ or store/', () => {
    expect(violations(sourceFiles(), (file) => importsOf(file))).toEqual([]);
  });

  it('catches a route that reads the gate or the store, even for a type', () => {
    const route = `${SRC}/http/routes/x.ts`;
    const text = [
      "import type { Gate } from '../../gate/gate.js';",
      "const { SqlStore } = await import('../../store/sql-store.js');",
      "import { Reads } from '../../service/reads.js';",
    ].join('\n');
    expect(violations([route], () => importsOf(route, text))).toEqual([
      'http/routes/x.ts imports gate/gate.js',
      'http/routes/x.ts imports store/sql-store.js',
    ]);
  });
});
