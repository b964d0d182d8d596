#!/bin/sh
# Render the config from the environment (render.sh refuses an unset variable), check it, run Alertmanager.
set -eu
/etc/alertmanager/render.sh /etc/alertmanager/alertmanager.yml.tmpl > /tmp/alertmanager.yml
amtool check-config /tmp/alertmanager.yml
exec alertmanager --config.file=/tmp/alertmanager.yml --storage.path=/alertmanager "$@"
