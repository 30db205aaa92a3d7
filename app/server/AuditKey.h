#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace interlock {

// The secret the audit chain is keyed with (HMAC-SHA256), kept outside the database so that
// whoever can write the database cannot rewrite the chain and recompute it (docs/security.md).
// Where it comes from, first found wins:
//   1. the file given with --audit-key (setExplicitFile(), once, by the program's main);
//   2. the file named by $INTERLOCK_AUDIT_KEY;
//   3. SQLite only: `<db file>.audit-key`, created (32 random bytes, mode 0600) by the first
//      program that opens the database to write.
// A PostgreSQL database has no such default: its servers refuse to start without 1 or 2.
class AuditKey
{
public:
    AuditKey() = default;
    AuditKey(const QByteArray &secret, QString source);

    bool isNull() const { return m_inner.isEmpty(); }
    QString source() const { return m_source; } // the key file, for messages
    // 16 hex digits that name the key without giving it away (the audit.keyed entry holds it).
    QByteArray id() const { return m_id; }
    // HMAC-SHA256(key, prevHash ‖ canonical), hex: the hash of a keyed entry.
    QByteArray mac(const QByteArray &prevHash, const QByteArray &canonical) const;

    // --audit-key: a file to use instead of $INTERLOCK_AUDIT_KEY and the default (the whole
    // process: every store it opens).
    static void setExplicitFile(const QString &path);
    // The key for the database at `location` (a SQLite file or a PostgreSQL URL): a null key when
    // none is found and none may be created, nullopt with *error when a key file exists (or was
    // named) but cannot be read or made.
    static std::optional<AuditKey> forDatabase(const QString &location, bool postgres,
                                               bool createDefault, QString *error);
    static QString defaultFile(const QString &databasePath);
    static constexpr int kMinimumBytes = 16;

private:
    QByteArray m_inner; // key XOR ipad (64 bytes)
    QByteArray m_outer; // key XOR opad
    QByteArray m_id;
    QString m_source;
};

} // namespace interlock
