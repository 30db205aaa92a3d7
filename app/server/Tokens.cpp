#include "Tokens.h"

#include "core/CanonicalJson.h"

#include <QRandomGenerator>
#include <algorithm>

namespace interlock {

namespace {
QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}
} // namespace

QString newToken()
{
    return QStringLiteral("ilk_") +
           QString::fromLatin1(randomBytes(32).toBase64(QByteArray::Base64UrlEncoding |
                                                        QByteArray::OmitTrailingEquals));
}

QByteArray tokenHash(const QString &token)
{
    return sha256Hex(token.toUtf8());
}

QString newId(const char *prefix)
{
    return QString::fromLatin1(prefix) + QLatin1Char('_') +
           QString::fromLatin1(randomBytes(12).toHex());
}

} // namespace interlock

#include "AgentNames.h"
#include "Store.h"
#include "core/Identity.h"

namespace interlock {

QString issueToken(Store &store, Role role, const QString &name, qint64 atMs, const QString &actor,
                   QString *error)
{
    const auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return QString();
    };
    const QString display = displayName(name);
    if (display.isEmpty())
        return refuse(QStringLiteral("the name is empty without its white space and invisible "
                                     "characters"));
    if (display.size() > 128)
        return refuse(QStringLiteral("the name is longer than 128 characters"));
    const QString key = identityKey(display);
    const QString skeleton = agentNameSkeleton(display);
    const QList<TokenRecord> names = store.tokenNames();
    // Another token of a name already in use is the same person's, whatever else looks like it.
    const bool known = std::any_of(names.cbegin(), names.cend(),
                                   [&](const TokenRecord &t) { return t.name == display; });
    for (const TokenRecord &existing : known ? QList<TokenRecord>() : names) {
        if (identityKey(existing.name) == key)
            return refuse(QStringLiteral("'%1' is the same name as the existing '%2' once case, "
                                         "white space and invisible characters are ignored; "
                                         "use '%2' for another token of the same person")
                              .arg(display, existing.name));
        // "аlice" (Cyrillic а) beside "alice": one person could approve twice, as two.
        if (agentNameSkeleton(existing.name) == skeleton)
            return refuse(
                QStringLiteral("'%1' looks like the existing '%2' (%3); use '%2' for "
                               "another token of the same person, or a name that "
                               "reads differently")
                    .arg(display, existing.name, lookAlikeDifference(display, existing.name)));
    }
    const QString token = newToken();
    TokenRecord record{display, role, {}, false};
    if (!store.insertToken(tokenHash(token), record, atMs, actor))
        return refuse(QStringLiteral("the token could not be stored"));
    return token;
}

} // namespace interlock
