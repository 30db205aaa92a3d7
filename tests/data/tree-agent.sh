#!/bin/bash
# A hostile agent for the supervisor tests: children, a grandchild, a setsid() child, a
# double-forked orphan and a process that ignores SIGTERM. Every pid goes to the file in $1.
out=$1
echo $$ >> "$out"
sleep 1000 & echo $! >> "$out"
bash -c 'sleep 1000 & echo $! >> "$0"; wait' "$out" & echo $! >> "$out"
setsid sleep 1000 & echo $! >> "$out"
( (sleep 1000 & echo $! >> "$out") & )
bash -c 'trap "" TERM; echo $$ >> "$0"; while :; do sleep 0.2; done' "$out" & echo $! >> "$out"
echo ready >> "$out"
wait
