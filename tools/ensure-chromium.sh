#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing and we may (root with apt-get).
# Never downloads a browser build of its own; without chromium the browser tests skip with a reason.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "could not install chromium: the browser tests will skip"
else
  echo "chromium not found and not root: the browser tests will skip (apt-get install chromium)"
fi
exit 0
