// The Dockerfile, offline (no container runtime needed): the base image is a build argument, a build stage
// compiles, the runtime stage holds only production dependencies and runs as a non-root user under tini,
// health-checked on /readyz, with its data dir a volume; everything it copies exists and reaches the build
// context. scripts/container/smoke.sh builds and runs the image where podman can (docs/deploy.md).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, serveRefusal } from '../../src/config.js';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions of a Dockerfile: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stagesOf(all: Instruction[]): { preamble: Instruction[]; stages: Stage[] } {
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else (stages.at(-1)?.instructions ?? preamble).push(instruction);
  }
  return { preamble, stages };
}

/** The FROM every stage must name: the build argument, written as the Dockerfile writes it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
const BASE_IMAGE_REFERENCE = '${BASE_IMAGE}';

const { preamble, stages } = stagesOf(instructions(readFileSync('Dockerfile', 'utf8')));
const runtime = stage(stages.at(-1)?.name ?? '');

function stage(name: string): Stage {
  const found = stages.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`the Dockerfile has no stage named "${name}"`);
  return found;
}

const all = (of: Stage, keyword: string) =>
  of.instructions.filter((instruction) => instruction.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('takes the base image as a build argument, in every stage', () => {
    expect(preamble.map((i) => i.keyword)).toEqual(['ARG']);
    expect(preamble[0]?.args).toMatch(/^BASE_IMAGE=\S+/);
    for (const { from } of stages) expect(from).toBe(BASE_IMAGE_REFERENCE);
  });

  it('builds in one stage and runs from another that has only production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(all(stage('build'), 'RUN').join('\n')).toContain('npm run build');
    expect(runtime.name).toBe('runtime');
    const copies = all(runtime, 'COPY');
    expect(copies).toContain('--from=build /src/dist ./dist');
    const depsStage = copies.find((args) => args.endsWith('./node_modules'))?.match(/--from=(\S+)/)?.[1];
    expect(all(stage(depsStage ?? ''), 'RUN').join('\n')).toMatch(/npm ci .*--omit=dev/);
    const fromContext = copies.filter((args) => !args.startsWith('--from='));
    expect(fromContext.join('\n')).not.toMatch(/\bsrc\b|tsconfig|test/);
    expect(all(runtime, 'RUN').join('\n')).not.toContain('npm');
  });

  it('runs as a non-root user under tini, health-checked on /readyz, its data dir a volume', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBe(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const healthcheck = all(runtime, 'HEALTHCHECK').join(' ');
    expect(healthcheck).toContain('/readyz');
    const env = all(runtime, 'ENV').join(' ');
    const dataDir = env.match(/BOXOFFICE_DATA_DIR=(\S+)/)?.[1];
    expect(dataDir).toBeDefined();
    expect(all(runtime, 'VOLUME').join(' ')).toContain(`"${dataDir}"`);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    // The image's own settings must start `serve`: a public HOST needs an explicit buyer mode.
    const settings = Object.fromEntries([...env.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(serveRefusal(loadConfig(settings))).toBeUndefined();
    const entrypoint = JSON.parse(all(runtime, 'ENTRYPOINT')[0] ?? '[]');
    expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(all(runtime, 'RUN').join('\n')).toMatch(/apt-get install .*\btini\b/);
    expect(all(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const needed of ['node_modules', 'dist', '.env', 'data', '.git']) expect(ignored).toContain(needed);
    for (const each of stages) {
      for (const args of all(each, 'COPY').filter((copy) => !copy.startsWith('--from='))) {
        const sources = args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          expect(existsSync(source), source).toBe(true);
          expect(ignored, source).not.toContain(source);
        }
      }
    }
  });
});
