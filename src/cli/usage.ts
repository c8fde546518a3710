/** The text of `umbral --help`. */
export const USAGE = `umbral — serve machine-learning models in production

Usage:
  umbral serve [--config FILE] [--models DIR] [--host H] [--port P] [--strict]
  umbral migrate [--config FILE]
  umbral models push DIR|FILE --model M [--alias A] [--manifest FILE] [--sha256 HEX] [--create]
  umbral models list
  umbral models show M
  umbral models alias M ALIAS VERSION
  umbral models promote M
  umbral models rollback M
  umbral models history M [--limit N]
  umbral --help
  umbral --version

serve options (each overrides the environment variable named, which overrides the YAML file):
  --config FILE   YAML configuration file (UMBRAL_CONFIG)
  --models DIR    model repository directory (UMBRAL_MODELS_DIR, default ./models)
  --host H        address to bind (UMBRAL_HOST, default 127.0.0.1)
  --port P        port to listen on, 0 for any free one (UMBRAL_PORT, default 8080)
  --strict        fail the start when any model fails to load (UMBRAL_STRICT)

migrate applies the database migrations (umbral serve also does at start) to the embedded store in
UMBRAL_DATA_DIR or the PostgreSQL server of DATABASE_URL, and prints what it applied.

models commands (talk to a running server's admin API):
  push            upload a new version of M: an .onnx FILE, or a model DIR (model.yaml plus model.onnx
                  or the highest <n>/model.onnx); the manifest comes from model.yaml
  list            the models, their latest and serving versions and aliases
  show            one model: aliases, what serves, its versions
  alias           point ALIAS of M at VERSION (loaded and warmed first when the alias serves)
  promote         challenger becomes champion, the old champion previous
  rollback        champion goes back to previous (a second rollback undoes the first)
  history         the audit log of M, newest first

models options:
  --url URL       server to talk to (UMBRAL_URL, default http://127.0.0.1:8080)
  --key KEY       API key, sent as Authorization: Bearer KEY (UMBRAL_API_KEY; prefer the variable,
                  a flag is visible to other users of the machine)
  --json          print the server's JSON answer as-is instead of tables
  --model M       push: the model to add a version to
  --create        push: create M first when it does not exist
  --alias A       push: point alias A at the new version
  --manifest FILE push: JSON merged over the manifest from model.yaml (its values win)
  --sha256 HEX    push: the artifact's expected sha256 (computed from the file when absent); the
                  server rejects an upload whose bytes do not match
  --limit N       history: at most N entries

Every setting is listed in the README's settings table.
Exit codes: 0 ok, 1 failure while running (the server's error is printed as "umbral: <error> (<code>)"),
2 bad usage or invalid configuration.`;
