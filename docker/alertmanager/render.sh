#!/bin/sh
# Print alertmanager.yml.tmpl with every ${VAR} replaced from the environment; fail on an unset one.
set -eu
template="${1:-$(dirname "$0")/alertmanager.yml.tmpl}"
awk '{
  while (match($0, /\$\{[A-Z_]+\}/)) {
    name = substr($0, RSTART + 2, RLENGTH - 3)
    if (!(name in ENVIRON) || ENVIRON[name] == "") { print "alertmanager: " name " is not set" > "/dev/stderr"; exit 1 }
    $0 = substr($0, 1, RSTART - 1) ENVIRON[name] substr($0, RSTART + RLENGTH)
  }
  print
}' "$template"
