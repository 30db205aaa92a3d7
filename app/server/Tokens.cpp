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

namespace interlock {

QString issueToken(Store &store, Role role, const QString &name, qint64 atMs, const QString &actor)
{
    const QString token = newToken();
    TokenRecord record{name, role, {}, false};
    return store.insertToken(tokenHash(token), record, atMs, actor) ? token : QString();
}

} // namespace interlock
