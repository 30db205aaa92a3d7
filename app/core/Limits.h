#pragma once

#include "JsonBounds.h"

#include <QtGlobal>

namespace interlock {

// Configurable limits with safe defaults (DESIGN.md "Errors").
struct Limits {
    qint64 maxBodyBytes = 1024 * 1024;
    int maxWaitSeconds = 60;
    int maxPendingPerSession = 1000;
    int maxExpiresSeconds = 7 * 24 * 3600;
    int maxListLimit = 500;
    int maxEventsPerPoll = 500;
    // Structured fields from clients (an action's payload, changes and risk; an edited payload).
    JsonBounds json;

    // The HTTP transport (app/server/http, docs/security.md): everything a client can make the
    // server hold is bounded while it is read, and every wait has a deadline.
    int maxRequestLineBytes = 8 * 1024;    // longer: 414 (request line) or 431 (a header line)
    int maxHeaderBytes = 32 * 1024;        // all header lines of one request: 431
    int maxHeaderCount = 100;              // 431
    int headerTimeoutMs = 10000;           // a request's head must arrive within this (408)
    int bodyMinBytesPerSecond = 16 * 1024; // after the head, the body gets headerTimeoutMs plus
                                           // its length at this rate (408)
    int idleTimeoutMs = 30000;  // a kept-alive connection with no request in progress is closed
    int writeTimeoutMs = 30000; // a client that reads nothing of its answer for this long
    int lingerMs = 2000;        // after an error answer, input is read and dropped this long
    int maxConnections = 0;     // open connections; 0: derived from the open-file limit
    int maxConnectionsPerPeer = 256; // per remote address, loopback excepted
    int maxWaitsPerToken = 32;       // long-polls parked at once by one caller: 429 beyond
    int killRecordWaitMs = 2000;     // a kill answers "recorded": false after this
    // The kill path proven alive (LivenessMonitor): a session.ping to every supervised session
    // this long after its last answer, to be answered within the deadline.
    int livenessIntervalMs = 10000;
    int livenessDeadlineMs = 5000;
    // What one agent (by name, over all its sessions) may submit in any 10 minutes, in MiB of
    // request bodies: the pending limit alone let a submit-and-withdraw loop fill the disk.
    // 0: no budget.
    int agentMiBPer10Min = 256;
};

} // namespace interlock
