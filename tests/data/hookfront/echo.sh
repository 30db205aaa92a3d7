#!/bin/sh
# A full hook that answers allow and keeps its arguments and input for the test.
echo "$@" > "$PROBE_ARGSFILE"
cat > "$PROBE_INPUTFILE"
echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"from the full hook"}}'
