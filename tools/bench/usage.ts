// The help text of `boxoffice bench`, for every scenario: what `bench --help` prints, and what a bad flag
// is followed by.

export const BENCH_USAGE = `Usage: boxoffice bench [scenario] [flags]

Scenarios:
  ceiling      (the default) holds accepted and holds rejected (sold out) with wrk, each as a ratio of a
               bare Fastify route measured in the same run; see docs/benchmarks.md
  contention   everyone wants the same seat(s): each hold names one of --seats seats (default 1)
  pool-rush    counted stock: users hold 1-4 tickets each until the pool is sold out
  seat-rush    a seat map: users hold 1-4 best-available seats of a section until all are sold
  mix          hold, then confirm, release or abandon (left to expire) in --mix proportions;
               one hold in four carries an Idempotency-Key and is retried once
  queue        a waiting room: --users buyers join (half before salesStartAt), poll their place until
               admitted, hold 1-4 tickets with their Queue-Pass and confirm; the order of admission is
               checked (no buyer twice, never above --max-active, late joiners first come first served)
The load-test scenarios (all but ceiling) end with the audit of the event and a check of the client's own
tally; see docs/load-testing.md.

Flags of the load-test scenarios:
  --url <url>           target server; default: a private server on 127.0.0.1 with a temporary data dir.
                        Load goes to 127.0.0.1 only, unless you name another server here.
  --port <n>            port of the private server (default: a free one); not with --url
  --admin-token <t>     admin token of --url (or BOXOFFICE_ADMIN_TOKEN): creates the event, reads the audit
  --event <id>          load this existing event of --url instead of creating one
  --seats <n>           numbered seats of the created event (contention: 1; seat-rush: 1000; mix: 200);
                        in contention, how many seats everyone wants
  --capacity <n>        counted stock, pool "ga", of the created event (pool-rush, mix: 1000)
  --hold-ttl <s>        hold TTL of the created event (mix: 10; others: 3600; 5-3600)
  --mix <c/r/a>         mix: percent of holds confirmed/released/abandoned (default 60/20/20)
  --users <n>           users u-1 … u-<n> (default 1000; queue: the buyers, 200, at most 100000); the created event allows
                        4 per user
  --admit-per-minute <n>  queue: the waiting room's admission rate (default 6000, 1-60000)
  --max-active <n>      queue: valid passes at once (default: --users; passes outlive the run, so with a
                        lower bound the buyers beyond it wait until --duration)
  --start-delay <s>     queue: seconds from the event's creation to salesStartAt (default 3, 1-600)
  --connections <n>     sockets, and flows in flight (default 64, 1-1024)
  --duration <s>        no flow starts after this many seconds (default 60, 1-3600)
  --requests <n>        at most this many requests (default 10000, 1-10000000)
  --seed <n>            seed of users, quantities, seats and endings (default random; in the report)
  --out <dir>           write report.json and summary.md into <dir>
  --chart               also write throughput.svg: requests/s and p99 per second (needs --out)
  --json                print report.json on stdout instead of the Markdown summary

Flags of ceiling:
  --duration <s>        measured seconds per scenario (default 10, 1-600)
  --warmup <s>          warm-up seconds before each measured run (default 3, 0-60)
  --connections <n>     wrk connections (default 64)
  --threads <n>         wrk threads (default 1: the server keeps a core to itself)
  --json                print a JSON report on stdout (the table goes to stderr)
  --strict              exit 3 when a target is missed
  --shape <s>           embedded (default), distributed or both: distributed starts its own redis-server
                        (AOF everysec), a throwaway database on --database-url, one API process and one
                        projector worker, and also measures the projector's lag and drain rate
  --database-url <url>  PostgreSQL server for the distributed shape's throwaway database
  --auth <mode>         open (default) or verified: also measure accepted and rejected holds with a buyer
                        token per request (10,000 tokens), on the same server, as ratios to the open runs
                        (default postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards)
  --rate-limits <s>     on (default): the servers count every hold per address and per buyer, with the
                        per-address limit out of reach of the run; off: no rate limits
  --durability <mode>   embedded server's BOXOFFICE_DURABILITY: process (default) or power (fdatasync per batch)
  --projection-thread <mode>  embedded server's (and the memory run's) BOXOFFICE_PROJECTION_THREAD: worker
                        (default: PGlite and the projection on a thread of their own) or main
  --store-cache-mb <n>  embedded server's (and the memory run's) BOXOFFICE_STORE_CACHE_MB: PGlite's page cache
                        in MB (default 128)
  --projection-nice <n>  embedded server's BOXOFFICE_PROJECTION_NICE, the projection thread's niceness (default 0)
  --projector-lanes <n>  distributed shape: the projector workers' BOXOFFICE_PROJECTOR_LANES, batches committed
                        at once (default 3)
  --cpu-prof <dir>      write V8 CPU profiles of the servers (and projector workers) into <dir>
  --memory              instead: RSS of one 100,000-seat event after --holds processed holds
  --holds <n>           holds of the memory run (default 1000000)
  --memory-timeout <s>  bound of the memory run (default 900)
  --memory-rest <s>     after the holds, seconds the server rests (no calls, no forced GC) before its RSS is
                        read again: what V8 gives back by itself once a burst is over (default 20, 0: none)

Progress goes to stderr; the summary (or --json report) to stdout.

Exit status:
  0  pass (ceiling: done, a missed target is reported but not an error without --strict)
  1  the run failed: a server died, 5xx, socket errors or unexpected statuses; or the audit is
     inconsistent or counts oversold, double-booked or phantom tickets; or the client's tally found an
     oversell, a seat accepted twice or a duplicate ticket; or (queue) an admission broke the rules
  2  bad flags (or wrk missing, for ceiling)
  3  a target missed with ceiling --strict
`;
