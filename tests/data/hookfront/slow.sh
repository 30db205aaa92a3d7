#!/bin/sh
# A full hook that never answers; records its pid so a test can see it gone.
echo $$ > "$PROBE_PIDFILE"
exec sleep 600
