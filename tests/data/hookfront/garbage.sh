#!/bin/sh
# A full hook that prints something other than a JSON object.
echo 'allow'
