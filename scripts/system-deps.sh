#!/usr/bin/env bash
# What `make test` needs from the machine itself, found or installed: Chromium (browser tests), nginx
# (the deployment example is checked with `nginx -t`), and the local PostgreSQL and Redis the scale-out
# and directory tests use. Run by `make test` (and so by CI) before any suite; a check that cannot run is
# a failure, never a skip. Installs with apt-get as root (or with sudo); otherwise says what to install.
set -euo pipefail

have_chromium() { [[ -x /usr/bin/chromium ]]; }
have_nginx() { command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; }
redis_answers() {  # PING over bash's /dev/tcp, in a subshell so the redirections stay there
  ( exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -t 2 -r reply <&3 && [[ $reply == +PONG* ]] ) 2>/dev/null
}

apt_install() {  # packages...
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "make test needs these Debian packages: $*. Install them (as root: apt-get install -y $*) and run make test again." >&2
      exit 1
    fi
  fi
  echo "Installing $* (needed by make test)..."
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

missing=()
for tool in make curl git npm; do command -v "$tool" >/dev/null || missing+=("$tool"); done
# The browser tests drive Debian's Chromium (never `playwright install`).
have_chromium || missing+=(chromium)
have_nginx || missing+=(nginx-light)
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
have_chromium || { echo "Chromium is still missing at /usr/bin/chromium." >&2; exit 1; }
have_nginx || { echo "nginx is still missing." >&2; exit 1; }

# PostgreSQL on 127.0.0.1:5432 (trust auth): start it if it is installed but down.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || {
    echo "PostgreSQL is not running on 127.0.0.1:5432 and could not be started (make test needs it)." >&2
    exit 1
  }
fi

# Redis on 127.0.0.1:6379: install it if missing, start it if down.
if ! redis_answers; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null || true
  for _ in $(seq 1 20); do redis_answers && break; sleep 0.5; done
  redis_answers || { echo "Redis is not running on 127.0.0.1:6379 and could not be started (make test needs it)." >&2; exit 1; }
fi
echo "System tools for the tests: Chromium, nginx, PostgreSQL and Redis are ready."
