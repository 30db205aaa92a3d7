#include "Tokens.h"

#include "core/CanonicalJson.h"

#include <QRandomGenerator>

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
    for (const TokenRecord &existing : store.tokenNames()) {
        if (existing.name != display && identityKey(existing.name) == key)
            return refuse(QStringLiteral("'%1' is the same name as the existing '%2' once case, "
                                         "white space and invisible characters are ignored; "
                                         "use '%2' for another token of the same person")
                              .arg(display, existing.name));
    }
    const QString token = newToken();
    TokenRecord record{display, role, {}, false};
    if (!store.insertToken(tokenHash(token), record, atMs, actor))
        return refuse(QStringLiteral("the token could not be stored"));
    return token;
}

} // namespace interlock
