/** The text of `umbral --help`. */
export const USAGE = `umbral — serve machine-learning models in production

Usage:
  umbral serve [--config FILE] [--models DIR] [--host H] [--port P] [--strict]
  umbral --help
  umbral --version

serve options (each overrides the environment variable named, which overrides the YAML file):
  --config FILE   YAML configuration file (UMBRAL_CONFIG)
  --models DIR    model repository directory (UMBRAL_MODELS_DIR, default ./models)
  --host H        address to bind (UMBRAL_HOST, default 127.0.0.1)
  --port P        port to listen on, 0 for any free one (UMBRAL_PORT, default 8080)
  --strict        fail the start when any model fails to load (UMBRAL_STRICT)

Every setting is listed in the README's settings table.
Exit codes: 0 ok, 1 failure while running, 2 bad usage or invalid configuration.`;
