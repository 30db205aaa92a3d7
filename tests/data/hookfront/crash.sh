#!/bin/sh
# A full hook that crashes before answering.
kill -SEGV $$
