// `boxoffice bench [scenario]`: by default (`ceiling`) the throughput of holds accepted and rejected as
// ratios of a bare Fastify ceiling measured in the same run, or with --memory the RSS after a million holds
// (docs/benchmarks.md); with a load-test scenario, an on-sale rehearsal ending in the audit
// (tools/loadtest/, docs/load-testing.md).

import { cleanUpEverything } from '../harness/processes.js';
import { dropLeftoverDatabases } from '../harness/throwaway-database.js';
import { isScenarioName } from '../loadtest/options.js';
import { formatMemory, runMemory } from './memory.js';
import { parseBenchArgs, UsageError } from './options.js';
import { formatThroughput, throughputJson } from './report.js';
import { runThroughput } from './throughput.js';
import { BENCH_USAGE } from './usage.js';
import { wrkVersion } from './wrk.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_TARGET_MISSED = 3;
/** The shell's convention for "ended by SIGINT". */
const EXIT_INTERRUPTED = 130;
/** How long an interrupted run waits for its throwaway database to be dropped. */
const DROP_ON_INTERRUPT_MS = 5_000;

export async function runBench(args: string[]): Promise<number> {
  const [scenario, ...flags] = args;
  if (scenario !== undefined && isScenarioName(scenario)) {
    const { runLoadTest } = await import('../loadtest/load-test.js');
    // The command line is this tool's only way in, so the environment it runs in is passed on from here.
    return runLoadTest(scenario, flags, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  }
  if (scenario !== undefined && scenario !== 'ceiling' && !scenario.startsWith('-')) {
    process.stderr.write(`Unknown scenario "${scenario}".\n\n${BENCH_USAGE}`);
    return EXIT_USAGE;
  }
  return runCeiling(scenario === 'ceiling' ? flags : args);
}

async function runCeiling(args: string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const interrupted = () => {
    // No server may outlive the bench: kill them by pid, drop the distributed shape's database (bounded:
    // a PostgreSQL that does not answer is left with it), then leave with the shell's code for Ctrl-C.
    cleanUpEverything();
    log('bench: interrupted');
    const dropped = dropLeftoverDatabases().then((problems) => {
      for (const problem of problems) log(problem);
    });
    const bound = new Promise((resolve) => setTimeout(resolve, DROP_ON_INTERRUPT_MS));
    void Promise.race([dropped, bound]).finally(() => process.exit(EXIT_INTERRUPTED));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (options.memory) {
      const report = await runMemory(options, log);
      writeReport(formatMemory(report), report, options.json);
      return report.problems.length > 0 ? EXIT_FAILED : 0;
    }
    if (wrkVersion() === undefined) {
      log(
        'bench: wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu) and run again.',
      );
      return EXIT_USAGE;
    }
    // The command line is this tool's only way in, so the environment its children may see starts here.
    const report = await runThroughput(options, log, process.env);
    writeReport(formatThroughput(report), throughputJson(report), options.json);
    const verdicts = [
      ...report.scenarios.map((scenario) => scenario.verdict),
      ...(report.projector === undefined ? [] : [report.projector.lagVerdict, report.projector.drainVerdict]),
    ];
    const incomplete =
      report.scenarios.length < 3 * options.shapes.length ||
      (options.shapes.includes('distributed') && report.projector === undefined);
    if (report.problems.length > 0 || verdicts.includes('ERROR') || incomplete) return EXIT_FAILED;
    return verdicts.includes('FAIL') && options.strict ? EXIT_TARGET_MISSED : 0;
  } finally {
    cleanUpEverything();
    for (const problem of await dropLeftoverDatabases()) log(problem);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/** The table on stdout; with --json, the JSON there and the table on stderr, so stdout stays parseable. */
function writeReport(table: string, json: unknown, asJson: boolean): void {
  if (!asJson) {
    process.stdout.write(table);
    return;
  }
  process.stderr.write(table);
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}
