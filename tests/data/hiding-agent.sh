#!/bin/sh
# A root agent that hides one process from its supervisor: the process leaves the supervisor's
# cgroup (for its parent), its process group and session (setsid), and then /proc is covered in
# the mount namespace the agent shares with its supervisor. Usage: hiding-agent.sh DIR
dir=$1
root=/sys/fs/cgroup
[ -d /sys/fs/cgroup/unified ] && root=/sys/fs/cgroup/unified
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
parent="$root$(dirname "$cg")"
echo $$ > "$parent/cgroup.procs" 2>/dev/null
setsid sh -c 'echo $$ > "$1/cgroup.procs" 2>/dev/null; echo $$ > "$2/escapee.tmp"; mv "$2/escapee.tmp" "$2/escapee"; exec sleep 600' sh "$parent" "$dir" &
while [ ! -f "$dir/escapee" ]; do sleep 0.05; done
if ! mount -t tmpfs none /proc 2>"$dir/mount-error"; then
    echo cannot > "$dir/ready"
    exec sleep 600
fi
echo hidden > "$dir/ready"
exec sleep 600
