#pragma once

#include <QByteArray>
#include <QString>

namespace interlock {

// Opaque bearer tokens: 256 random bits, URL-safe; the server keeps only their SHA-256.
QString newToken();
QByteArray tokenHash(const QString &token);
// Random identifiers such as act_3k9… and ses_…
QString newId(const char *prefix);

} // namespace interlock

namespace interlock {
class Store;
enum class Role;
// Creates a token for a person or an enrolling agent; returns it (shown once) or an empty string
// with *error set. The name is stored as its displayName(); a name that is the same identity as
// an existing one but written differently ("Dana" beside "dana") is refused, so that one person
// cannot appear as two, nor two as one; so is a name drawn like an existing one (the look-alike
// skeleton of agent names: "аlice" in Cyrillic beside "alice"). Another token for the same name
// is fine.
QString issueToken(Store &store, Role role, const QString &name, qint64 atMs, const QString &actor,
                   QString *error = nullptr);
} // namespace interlock
