#!/bin/bash
# run.sh — `make run`: start nimbus in the foreground on ./.nimbus (the embedded
# LMDB store), listening on 127.0.0.1:4566 unless NIMBUS_LISTEN says otherwise.
# Once deployment exists, the seed's example apps are deployed at start.
set -e
cd "$(dirname "$0")/.."
exec build/nimbus up --data "${NIMBUS_DATA:-./.nimbus}" "$@"
