// A shape of boxoffice started for the bench (embedded or distributed), what the shapes share: the server
// under test and how its children are started and judged when they stop.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtCli } from '../harness/built-cli.js';
import type { Child } from '../harness/processes.js';
import type { Shape } from './options.js';
import type { ScenarioProbe } from './scenario.js';

export const CLI_JS = builtCli();
/** Fixed: the servers live only as long as the run, on 127.0.0.1, with throwaway state. */
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** The HS256 secret the bench's buyer tokens are signed with (`--auth verified`). */
export const BUYER_SECRET = 'bench-buyer-token-secret-0123456789abcdef';

/**
 * Serve flags of `--auth verified`: buyer tokens are verified, while the server stays in `open` mode (its
 * loopback default), so that the open and the token runs hit the same server, events and caches; a token given
 * takes the same path as in `verified` mode (verify or cache hit, buyer bound to `sub`).
 */
export function authServeFlags(auth: 'open' | 'verified'): string[] {
  return auth === 'verified' ? ['--buyer-jwt-secret', BUYER_SECRET] : [];
}

export interface ShapeUnderTest {
  readonly shape: Shape;
  /** One line naming the processes and services, for the report. */
  readonly description: string;
  readonly server: Child;
  readonly serverUrl: string;
  /** What the shape does around the runs of a scenario (the distributed shape watches its projector). */
  probeOf(scenario: 'accepted' | 'rejected'): ScenarioProbe | undefined;
  /** Stops every process of the shape and removes its state; what went wrong, if anything. */
  stop(): Promise<string[]>;
}

/** `--cpu-prof` flags for a node child when the bench was asked for profiles, else none. */
export function profileFlags(cpuProfileDir: string | undefined, name: string): string[] {
  if (cpuProfileDir === undefined) return [];
  const dir = resolve(cpuProfileDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.${process.pid}.cpuprofile`];
}

/** A child must stop on SIGTERM with status 0; anything else is a fault the run reports. */
export function exitProblems(child: Child): string[] {
  const { exitCode, signalCode } = child.process;
  if (exitCode === 0 || (exitCode === null && signalCode === null)) return [];
  const how = signalCode === null ? `with status ${exitCode}` : `by ${signalCode}`;
  return [`the ${child.name} ended ${how}:\n${child.describeOutput()}`];
}
