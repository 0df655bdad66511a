#!/usr/bin/env bash
# Installs pgvector into the machine's PostgreSQL server when it lacks the extension.
# Debian bookworm ships no pgvector package; the archive's newer release (trixie) carries the
# source package, which builds against postgresql-server-dev-<major> in seconds.
set -euo pipefail
major=$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
sharedir=$(pg_config --sharedir)
if [ -f "$sharedir/extension/vector.control" ]; then
  echo "pgvector already installed for PostgreSQL $major"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The archive address comes from this machine's own apt sources.
archive=$( (grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null; \
            grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print "URIs: "$2}') \
          | awk '{print $2}' | grep -v security | head -n1 || true)
[ -n "$archive" ] || { echo "no Debian archive found in apt sources" >&2; exit 1; }
cat > /etc/apt/sources.list.d/mindstorm-pgvector-src.sources <<SRC
Types: deb-src
URIs: $archive
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -qq
apt-get install -y -qq --no-install-recommends "postgresql-server-dev-$major" dpkg-dev make gcc >/dev/null
work=$(mktemp -d)
cd "$work"
apt-get source -qq --download-only pgvector
dpkg-source -x --no-check pgvector_*.dsc src >/dev/null
cd src
# Built on the machine that runs it, so for its own CPU (pgvector's README, "Portability"): the
# distance functions use its vector instructions, and an HNSW search of 1536-dimension vectors
# is about a fifth faster here than with the portable build (docs/benchmarks.md).
make -s OPTFLAGS="-march=native" PG_CONFIG=$(command -v pg_config)
make -s install PG_CONFIG=$(command -v pg_config)
rm -f /etc/apt/sources.list.d/mindstorm-pgvector-src.sources
echo "pgvector $(grep default_version "$sharedir/extension/vector.control" | sed -E "s/.*'(.*)'.*/\1/") installed for PostgreSQL $major"
