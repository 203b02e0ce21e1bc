#!/bin/sh
# The single sign-on tests run a real OpenID Connect provider (panva's oidc-provider, Node.js):
# installed here from its lock file when missing; without Node.js the tests are skipped, saying so.
set -e
DIR=tests/web/oidc_provider
if [ -d "$DIR/node_modules/oidc-provider" ]; then
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "no Node.js (node, npm): the single sign-on tests will be skipped (apt-get install nodejs npm)"
  exit 0
fi
echo "installing the test OpenID Connect provider (npm ci in $DIR)"
npm ci --prefix "$DIR" --no-audit --no-fund
