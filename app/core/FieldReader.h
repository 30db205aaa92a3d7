#pragma once

#include "ApiError.h"
#include "JsonBounds.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace interlock {

// Parses a request body as one JSON object: invalid UTF-8 and malformed JSON are 400
// invalid_json, any other top-level value is 422 invalid_field, and so is a name or string that
// starts with U+FEFF (JSON readers drop it: the text would change between storage and display).
ApiError parseJsonObject(const QByteArray &body, QJsonObject *out);

// Reads typed fields out of an untrusted JSON object, keeping the first error. Every getter
// returns nullopt/empty on error or absence, so callers read everything and check ok() once.
class FieldReader
{
public:
    enum class Text { SingleLine, MultiLine };

    explicit FieldReader(const QJsonObject &object, QString prefix = {});

    // object() and array() refuse values nested deeper or holding more values than this.
    void setBounds(const JsonBounds &bounds) { m_bounds = bounds; }
    const JsonBounds &bounds() const { return m_bounds; }

    // Unknown keys are refused; keys in serverOwned get a "set by the server" message.
    void allowOnly(const QStringList &allowed, const QStringList &serverOwned = {});
    bool has(const QString &key) const { return m_object.contains(key); }

    std::optional<QString> string(const QString &key, bool required, int maxLength,
                                  Text text = Text::SingleLine);
    std::optional<qint64> integer(const QString &key, bool required, qint64 min, qint64 max);
    std::optional<double> number(const QString &key, bool required, double min, double max);
    std::optional<bool> boolean(const QString &key);
    std::optional<QJsonObject> object(const QString &key, bool required);
    std::optional<QJsonArray> array(const QString &key, bool required, int maxItems);

    QString path(const QString &key) const;
    void fail(const QString &key, const QString &message);
    // Takes over the first error of a reader of a nested object (its paths are already full).
    void adopt(const FieldReader &nested);
    bool ok() const { return !m_error.isError(); }
    const ApiError &error() const { return m_error; }

    // Validates a string that is not in an object (an array item, a header).
    static QString checkText(const QString &value, int maxLength, Text text);

private:
    const QJsonValue *present(const QString &key, bool required);
    bool withinBounds(const QString &key, const QJsonValue &value);

    QJsonObject m_object;
    QString m_prefix;
    ApiError m_error;
    QJsonValue m_current;
    JsonBounds m_bounds;
};

} // namespace interlock
