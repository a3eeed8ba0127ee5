// Moves the compiled tools (bench, load tester, harness) from build/tools/ into dist/tools/, beside the
// engine's dist/, which they import. tsc compiles tools/ with rootDir "." (their imports reach into src/), so
// it writes build/tools/ and, for nothing, a copy of the engine in build/src/: that copy is dropped, and each
// import of it in the tools is pointed at the engine in dist/ instead, the one `boxoffice` itself runs, so
// that a bench run loads each engine module once. build/tools/ and dist/tools/ are as deep, so the source
// maps need no change.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const BUILD = resolve('build');
const DIST = resolve('dist');

function files(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((item) =>
    item.isDirectory() ? files(join(directory, item.name)) : [join(directory, item.name)],
  );
}

/** A relative specifier of the built file `from` that lands in build/src/, pointed at dist/ from `to`. */
function pointAtEngine(specifier, from, to) {
  const target = resolve(dirname(from), specifier);
  const engine = join(BUILD, 'src');
  if (!target.startsWith(`${engine}/`)) return specifier;
  const moved = relative(dirname(to), join(DIST, relative(engine, target)));
  return moved.startsWith('.') ? moved : `./${moved}`;
}

rmSync(join(DIST, 'tools'), { recursive: true, force: true });
for (const from of files(join(BUILD, 'tools'))) {
  const to = join(DIST, relative(BUILD, from));
  mkdirSync(dirname(to), { recursive: true });
  let text = readFileSync(from, 'utf8');
  if (from.endsWith('.js'))
    text = text.replace(/(['"])(\.\.?\/[^'"\n]*)\1/g, (_, quote, specifier) => {
      return `${quote}${pointAtEngine(specifier, from, to)}${quote}`;
    });
  writeFileSync(to, text);
}
rmSync(BUILD, { recursive: true, force: true });
