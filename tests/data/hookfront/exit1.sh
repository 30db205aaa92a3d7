#!/bin/sh
# A full hook that prints an allow but fails.
echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'
exit 1
