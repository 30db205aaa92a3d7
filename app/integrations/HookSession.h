#pragma once

#include <QString>
#include <QUrl>

namespace interlock::integrations {

// The Interlock session a Claude Code hook submits under.
// - Under `interlockctl run`, the supervisor's session: INTERLOCK_SESSION_TOKEN, inherited
//   through Claude Code (its kill also kills Claude and every hook).
// - Otherwise one session per Claude session_id, opened on first use with the enrollment token
//   INTERLOCK_TOKEN; its token is kept in a 0600 file in a 0700 folder under $XDG_RUNTIME_DIR
//   (see hook::stateDir()), created under a lock so parallel hooks open only one. Once a call
//   finds the session killed, a marker makes every later call deny, read-only tools included;
//   once the session exists, read-only tools ask whether it is alive (at most once a second).
class HookSession
{
public:
    struct Config {
        QUrl server;
        QString agent;
        QString owner;
    };
    struct Result {
        QString token;
        QString sessionId;
        bool supervised = false;
        bool killed = false;
        QString error; // set when there is no session to use
    };

    static Result obtain(const Config &config, const QString &claudeSessionId, const QString &cwd);
    // The token of the session this Claude session opened on `server` before, or empty: read,
    // never opened here.
    static QString savedToken(const QUrl &server, const QString &claudeSessionId);
    // The session was just seen alive (hook::kAliveTrustMs): `<key>.alive` gets the time.
    static void markAlive(const QString &claudeSessionId);
    static void markKilled(const QString &claudeSessionId);
    static bool isMarkedKilled(const QString &claudeSessionId);
    // The state file stem for a Claude session id (the id, or a hash of an unusual one).
    static QString fileKey(const QString &claudeSessionId);
    // The state folder, created (0700, ours, not a symlink) when `create`; empty with *error.
    static QString stateFolder(bool create, QString *error);
};

} // namespace interlock::integrations
