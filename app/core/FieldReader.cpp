#include "FieldReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <cmath>

namespace interlock {

namespace {
bool startsWithBom(const QString &s)
{
    return !s.isEmpty() && s.front() == QChar(0xFEFF);
}

// The first name or string (as a field path) that starts with U+FEFF, else empty. Qt's JSON
// reader drops a raw byte order mark at the start of a string, and our own JSON writes it raw:
// such a text changes on its way through storage or the console ({"\ufeffcommand": …} even
// becomes a second "command" there). Depth is bounded by the reader's own nesting limit.
QString firstBomText(const QJsonValue &v, const QString &path)
{
    if (v.isString())
        return startsWithBom(v.toString()) ? (path.isEmpty() ? QStringLiteral("(body)") : path)
                                           : QString();
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            if (QString f = firstBomText(a.at(i), path + QStringLiteral("[%1]").arg(i));
                !f.isEmpty())
                return f;
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString field = path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key();
            if (startsWithBom(it.key()))
                return field;
            if (QString f = firstBomText(it.value(), field); !f.isEmpty())
                return f;
        }
    }
    return {};
}
} // namespace

ApiError parseJsonObject(const QByteArray &body, QJsonObject *out)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString decoded = decoder(body);
    if (decoder.hasError())
        return ApiError::invalidJson(QStringLiteral("The request body is not valid UTF-8."));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return ApiError::invalidJson(QStringLiteral("The request body is not valid JSON (%1 at "
                                                    "offset %2).")
                                         .arg(parseError.errorString())
                                         .arg(parseError.offset));
    }
    if (!doc.isObject())
        return ApiError::invalidField(QString(), QStringLiteral("The request body must be a JSON "
                                                                "object."));
    if (const QString field = firstBomText(doc.object(), QString()); !field.isEmpty())
        return ApiError::invalidField(
            field, QStringLiteral("A name or text starts with U+FEFF (a byte order mark), which "
                                  "JSON readers drop: what is shown and what runs would differ. "
                                  "Leave it out."));
    *out = doc.object();
    return {};
}

FieldReader::FieldReader(const QJsonObject &object, QString prefix)
    : m_object(object)
    , m_prefix(std::move(prefix))
{}

QString FieldReader::path(const QString &key) const
{
    return m_prefix.isEmpty() ? key : m_prefix + QLatin1Char('.') + key;
}

void FieldReader::fail(const QString &key, const QString &message)
{
    if (ok())
        m_error = ApiError::invalidField(path(key), message);
}

void FieldReader::adopt(const FieldReader &nested)
{
    if (ok() && !nested.ok())
        m_error = nested.error();
}

void FieldReader::allowOnly(const QStringList &allowed, const QStringList &serverOwned)
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (serverOwned.contains(it.key()))
            fail(it.key(), QStringLiteral("'%1' is set by the server and cannot be submitted.")
                               .arg(path(it.key())));
        else if (!allowed.contains(it.key()))
            fail(it.key(), QStringLiteral("Unknown field '%1'.").arg(path(it.key())));
    }
}

const QJsonValue *FieldReader::present(const QString &key, bool required)
{
    if (!ok())
        return nullptr;
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd() || it.value().isNull()) {
        if (required)
            fail(key, QStringLiteral("'%1' is required.").arg(path(key)));
        return nullptr;
    }
    m_current = it.value();
    return &m_current;
}

QString FieldReader::checkText(const QString &value, int maxLength, Text text)
{
    if (value.size() > maxLength)
        return QStringLiteral("is longer than %1 characters").arg(maxLength);
    for (const QChar c : value) {
        const bool allowedControl =
            text == Text::MultiLine &&
            (c == QLatin1Char('\n') || c == QLatin1Char('\t') || c == QLatin1Char('\r'));
        if ((c.unicode() < 0x20 || c.unicode() == 0x7f) && !allowedControl)
            return QStringLiteral("contains a control character");
    }
    return {};
}

std::optional<QString> FieldReader::string(const QString &key, bool required, int maxLength,
                                           Text text)
{
    const QJsonValue *v = present(key, required);
    if (!v)
        return std::nullopt;
    if (!v->isString()) {
        fail(key, QStringLiteral("'%1' must be a string.").arg(path(key)));
        return std::nullopt;
    }
    const QString s = v->toString();
    if (required && s.trimmed().isEmpty()) {
        fail(key, QStringLiteral("'%1' must not be empty.").arg(path(key)));
        return std::nullopt;
    }
    const QString problem = checkText(s, maxLength, text);
    if (!problem.isEmpty()) {
        fail(key, QStringLiteral("'%1' %2.").arg(path(key), problem));
        return std::nullopt;
    }
    return s;
}

std::optional<qint64> FieldReader::integer(const QString &key, bool required, qint64 min,
                                           qint64 max)
{
    const QJsonValue *v = present(key, required);
    if (!v)
        return std::nullopt;
    const double d = v->toDouble(std::nan(""));
    if (!v->isDouble() || std::isnan(d) || d != std::floor(d) || d < double(min) ||
        d > double(max)) {
        fail(key, QStringLiteral("'%1' must be a whole number from %2 to %3.")
                      .arg(path(key))
                      .arg(min)
                      .arg(max));
        return std::nullopt;
    }
    return qint64(d);
}

std::optional<double> FieldReader::number(const QString &key, bool required, double min, double max)
{
    const QJsonValue *v = present(key, required);
    if (!v)
        return std::nullopt;
    const double d = v->toDouble(std::nan(""));
    if (!v->isDouble() || !(d >= min && d <= max)) {
        fail(key, QStringLiteral("'%1' must be a number from %2 to %3.")
                      .arg(path(key))
                      .arg(min)
                      .arg(max));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> FieldReader::boolean(const QString &key)
{
    const QJsonValue *v = present(key, false);
    if (!v)
        return std::nullopt;
    if (!v->isBool()) {
        fail(key, QStringLiteral("'%1' must be true or false.").arg(path(key)));
        return std::nullopt;
    }
    return v->toBool();
}

bool FieldReader::withinBounds(const QString &key, const QJsonValue &value)
{
    const QString problem = checkJsonBounds(value, m_bounds);
    if (problem.isEmpty())
        return true;
    fail(key, QStringLiteral("'%1' %2.").arg(path(key), problem));
    return false;
}

std::optional<QJsonObject> FieldReader::object(const QString &key, bool required)
{
    const QJsonValue *v = present(key, required);
    if (!v)
        return std::nullopt;
    if (!v->isObject()) {
        fail(key, QStringLiteral("'%1' must be a JSON object.").arg(path(key)));
        return std::nullopt;
    }
    if (!withinBounds(key, *v))
        return std::nullopt;
    return v->toObject();
}

std::optional<QJsonArray> FieldReader::array(const QString &key, bool required, int maxItems)
{
    const QJsonValue *v = present(key, required);
    if (!v)
        return std::nullopt;
    if (!v->isArray()) {
        fail(key, QStringLiteral("'%1' must be a JSON array.").arg(path(key)));
        return std::nullopt;
    }
    if (v->toArray().size() > maxItems) {
        fail(key, QStringLiteral("'%1' has more than %2 items.").arg(path(key)).arg(maxItems));
        return std::nullopt;
    }
    if (!withinBounds(key, *v))
        return std::nullopt;
    return v->toArray();
}

} // namespace interlock
