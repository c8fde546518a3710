/** The text of `umbral --help`. */
export const USAGE = `umbral — serve machine-learning models in production

Usage:
  umbral serve [--config FILE] [--models DIR] [--host H] [--port P] [--grpc-port P] [--workers N] [--strict]
  umbral migrate [--config FILE]
  umbral backup --out DIR [--config FILE]
  umbral restore DIR [--force] [--config FILE]
  umbral models push DIR|FILE --model M [--alias A] [--manifest FILE] [--sha256 HEX] [--create]
  umbral models list
  umbral models show M
  umbral models alias M ALIAS VERSION [--force --reason TEXT]
  umbral models promote M [--force --reason TEXT]
  umbral models rollback M
  umbral models history M [--limit N]
  umbral models ab-report M [--window 24h]
  umbral models policy M [--set KEY=VALUE]… [--file policy.yaml]
  umbral datasets push M FILE --name D | list M | show M D | delete M D
  umbral eval M --dataset D [--versions champion,challenger] [--sample N] [--seed S]
  umbral eval M --report ID
  umbral keys create --name NAME --scope S [--scope S …] [--model M …] [--expires 30d|12h|DATE]
                     [--rps N] [--rpm N] [--concurrent N]
  umbral keys list
  umbral keys revoke ID
  umbral users create USERNAME --role ROLE
  umbral users list
  umbral users set-role USERNAME ROLE
  umbral users disable USERNAME
  umbral users enable USERNAME
  umbral jobs list
  umbral jobs add NAME --schedule CRON (--webhook URL [--header 'Name: value']… | -- PROGRAM [ARG…])
                  [--model M] [--description TEXT] [--disabled]
  umbral jobs remove NAME
  umbral jobs runs NAME [--limit N]
  umbral jobs run NAME
  umbral rollout start M --steps SHARE:DURATION,…,100 [--max-error-rate R] [--max-p99-ms MS]
                  [--max-quality-drop D] [--min-shadow-agreement A] [--min-requests N]
  umbral rollout status M | history M | abort M [--reason TEXT]
  umbral notifications channels list | add NAME --kind K [--set KEY=VALUE]… | remove NAME
  umbral notifications rules list | add --event TYPE… --channel NAME [--model M] | remove ID
  umbral notifications test CHANNEL
  umbral notifications deliveries [--status pending|delivered|dead] [--channel C] [--type T] [--model M] [--limit N]
  umbral predictions export --model M [--from TIME] [--to TIME] [--version V] [--format jsonl|csv]
                            [--output FILE]
  umbral --help
  umbral --version

serve options (each overrides the environment variable named, which overrides the YAML file):
  --config FILE   YAML configuration file (UMBRAL_CONFIG)
  --models DIR    model repository directory (UMBRAL_MODELS_DIR, default ./models)
  --host H        address to bind (UMBRAL_HOST, default 127.0.0.1)
  --port P        port to listen on, 0 for any free one (UMBRAL_PORT, default 8080)
  --grpc-port P   gRPC port, 0 for any free one (UMBRAL_GRPC_PORT, default 8081; UMBRAL_GRPC=false turns it off)
  --workers N     N processes serving on the same ports, restarted when they die (UMBRAL_WORKERS,
                  default 1; more than 1 needs DATABASE_URL, and REDIS_URL to share limits and cache)
  --strict        fail the start when any model fails to load (UMBRAL_STRICT)

migrate applies the database migrations (umbral serve also does at start) to the embedded store in
UMBRAL_DATA_DIR or the PostgreSQL server of DATABASE_URL, and prints what it applied.

backup writes the database (every umbral table, read in one consistent snapshot) and the artifacts
to the new directory DIR, readable by its owner only; restore loads such a directory into the
configured store (embedded or PostgreSQL, whichever the backup came from), refusing a store that
holds rows unless --force (which replaces everything). The embedded store must be stopped for
either; a PostgreSQL server can be backed up while it serves (docs/operations/backups.md).

models commands (talk to a running server's admin API):
  push            upload a new version of M: an .onnx FILE, or a model DIR (model.yaml plus model.onnx
                  or the highest <n>/model.onnx); the manifest comes from model.yaml
  list            the models, their latest and serving versions and aliases
  show            one model: aliases, what serves, its versions
  alias           point ALIAS of M at VERSION (loaded and warmed first when the alias serves)
  promote         challenger becomes champion, the old champion previous, once the policy's promotion
                  gate passes; both promote and alias refuse to make champion a version whose inputs
                  or outputs differ from the champion's; an admin may override either with
                  --force --reason TEXT, kept in the audit log
  rollback        champion goes back to previous (a second rollback undoes the first)
  history         the audit log of M, newest first
  ab-report       M's traffic split per variant: requests, error rate and live quality, with 95 %
                  intervals, over --window (default 24h)
  policy          M's serving policy (model.yaml's keys): shown; changed key by key with --set
                  (rate_limit.requests_per_minute=600; a value is YAML, null removes the key); or
                  replaced whole by --file. Stored, versioned and applied by every replica

datasets and eval (talk to a running server's admin API; docs/guides/evaluation.md):
  datasets push   store FILE (JSON lines: {"inputs": {...}, "expected": ...} per example) as dataset D
                  of M, checked against M's inputs and task; list, show and delete as they say
  eval            run dataset D (or a seeded --sample of N rows) through each of --versions (numbers or
                  aliases) on the serving path; prints metrics by version and p50/p99 latency; the
                  report is stored (--report ID prints a stored one)

keys commands (talk to a running server's admin API; need the access:admin permission):
  create          a new API key; stdout gets the key alone, so KEY=$(umbral keys create …) captures
                  it, and stderr its details; the key is shown only this once
  list            the keys: scopes, models, expiry, last use, revocation (never the keys themselves)
  revoke          revoke key ID at once (revoking a revoked key is not an error)

keys create options:
  --name NAME     what the key is for
  --scope S       what it may do, repeated or comma-separated: infer, admin:read, admin:write,
                  access:admin, feedback (post labels only); a key can only be given scopes the
                  caller's own credential holds
  --model M       restrict it to model M (repeat for more); without it, every model
  --expires WHEN  a duration (30d, 12h), a date (2027-01-31, midnight UTC) or a date-time with an
                  offset (2027-01-31T12:00:00Z); without it, the key does not expire
  --rps N, --rpm N, --concurrent N
                  its own limits on requests per second, per minute and in flight, replacing the
                  server's defaults

users commands (talk to a running server's admin API; need the access:admin permission):
  create          a new user with role ROLE: admin, operator, viewer or client; the password comes
                  from UMBRAL_NEW_PASSWORD or, when stdin is not a terminal, from the first line of
                  stdin (umbral users create alice --role viewer < pw.txt); never from a flag, which
                  other users of the machine can see
  list            the users, their roles and whether they are disabled
  set-role        give USERNAME the role ROLE
  disable         refuse USERNAME's logins and tokens until enabled again
  enable          let USERNAME log in again

jobs commands (talk to a running server's admin API; docs/guides/jobs.md):
  list            built-in and operator jobs: schedule, next run, newest run
  add             an operator job (a retrain trigger) on a cron schedule, UTC ('0 3 * * *': 03:00 every
                  day): --webhook URL is POSTed {"job", "due", "model"} as JSON; or the command after --
                  is run without a shell by the replica whose turn it is (it must exist on every replica)
  remove          remove an operator job (its history stays)
  runs            NAME's runs, newest first: due time, status, duration, replica, outcome
  run             run NAME now (once, on the replica asked); runs shows how it ends

rollout commands (talk to a running server's admin API; docs/guides/canary.md):
  start           a canary of M's challenger: it takes each step's share (percent) for the step's
                  duration (5:10m,25:10m,50:10m,100), judged by the guards on its requests; a failing
                  guard rolls back at once, the last step passed promotes it
  status          the running rollout: step, share, its events
  history         M's rollouts, newest first
  abort           the challenger's share to 0 now; the champion keeps serving

notifications commands (talk to a running server's admin API; admin:read to list, admin:write to change):
  channels add    a channel of kind slack, discord, telegram, email or webhook; its settings with --set
                  (chat_id=-100123, host=smtp.example.com, to=[oncall@example.com]); its secret (the
                  Slack/Discord webhook URL, the bot token, the SMTP password, the HMAC key) from
                  UMBRAL_CHANNEL_SECRET, never a flag; reads show only whether a secret is set
  rules add       send events of these types (or *) about model M (default every model) to a channel
  test            send a test message to CHANNEL and wait for its delivery (exit 1 unless delivered)
  deliveries      the delivery history, newest first: status, tries, last error

predictions export (talks to a running server's admin API; needs admin:read):
  streams M's prediction log, oldest first, each record with its feedback label, as JSON lines
  (default) or CSV, to stdout or --output FILE (-o; written whole or not at all); --from and --to
  are ISO 8601 times (2026-01-31, 2026-01-31T12:00:00Z), from inclusive, to exclusive; --version
  keeps one version's records

models, datasets, eval, keys, users, jobs, rollout, notifications and predictions options:
  --url URL       server to talk to (UMBRAL_URL, default http://127.0.0.1:8080)
  --key KEY       API key, sent as Authorization: Bearer KEY (UMBRAL_API_KEY; prefer the variable,
                  a flag is visible to other users of the machine)
  --json          print the server's JSON answer as-is instead of tables (keys revoke prints nothing)
  --model M       push: the model to add a version to
  --create        push: create M first when it does not exist
  --alias A       push: point alias A at the new version
  --manifest FILE push: JSON merged over the manifest from model.yaml (its values win)
  --sha256 HEX    push: the artifact's expected sha256 (computed from the file when absent); the
                  server rejects an upload whose bytes do not match
  --limit N       history, jobs runs: at most N entries

Every setting is listed in docs/reference/configuration.md (in the repository).
Exit codes: 0 ok, 1 failure while running (the server's error is printed as "umbral: <error> (<code>)"),
2 bad usage or invalid configuration.`;
