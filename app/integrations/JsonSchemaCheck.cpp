#include "JsonSchemaCheck.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>

namespace interlock::integrations {

namespace {

class SchemaCheck
{
public:
    explicit SchemaCheck(const QJsonValue &root)
        : m_root(root)
    {}

    QString check(const QJsonValue &schema, const QJsonValue &value, const QString &where,
                  int depth)
    {
        if (depth > 48)
            return where + QStringLiteral(": the schema nests too deeply to check");
        if (schema.isBool())
            return schema.toBool() ? QString() : where + QStringLiteral(": no value is allowed");
        if (!schema.isObject())
            return {};
        const QJsonObject s = schema.toObject();
        if (s.contains(QStringLiteral("$ref"))) {
            const QJsonValue target = resolve(s.value(QStringLiteral("$ref")).toString());
            if (target.isUndefined())
                return where + QStringLiteral(": the schema refers to %1, which it does not hold")
                                   .arg(s.value(QStringLiteral("$ref")).toString());
            if (QString e = check(target, value, where, depth + 1); !e.isEmpty())
                return e;
        }
        if (value.isNull() && s.value(QStringLiteral("nullable")).toBool())
            return {};
        if (QString e = checkType(s, value, where); !e.isEmpty())
            return e;
        if (s.contains(QStringLiteral("const")) && s.value(QStringLiteral("const")) != value)
            return where +
                   QStringLiteral(": must be %1").arg(show(s.value(QStringLiteral("const"))));
        if (s.contains(QStringLiteral("enum")) &&
            !s.value(QStringLiteral("enum")).toArray().contains(value))
            return where +
                   QStringLiteral(": must be one of %1").arg(show(s.value(QStringLiteral("enum"))));
        if (QString e = checkCombinations(s, value, where, depth); !e.isEmpty())
            return e;
        if (value.isString())
            return checkString(s, value.toString(), where);
        if (value.isDouble())
            return checkNumber(s, value.toDouble(), where);
        if (value.isArray())
            return checkArray(s, value.toArray(), where, depth);
        if (value.isObject())
            return checkObject(s, value.toObject(), where, depth);
        return {};
    }

private:
    static QString show(const QJsonValue &v)
    {
        QString text = v.isString()  ? QLatin1Char('"') + v.toString() + QLatin1Char('"')
                       : v.isArray() ? QStringLiteral("[…%1 values]").arg(v.toArray().size())
                       : v.isBool()
                           ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                       : v.isNull() ? QStringLiteral("null")
                                    : QString::number(v.toDouble());
        return text.left(120);
    }

    static bool hasType(const QString &type, const QJsonValue &v)
    {
        if (type == QLatin1String("string"))
            return v.isString();
        if (type == QLatin1String("number"))
            return v.isDouble();
        if (type == QLatin1String("integer"))
            return v.isDouble() && std::isfinite(v.toDouble()) &&
                   std::floor(v.toDouble()) == v.toDouble();
        if (type == QLatin1String("boolean"))
            return v.isBool();
        if (type == QLatin1String("object"))
            return v.isObject();
        if (type == QLatin1String("array"))
            return v.isArray();
        if (type == QLatin1String("null"))
            return v.isNull();
        return true; // a type we do not know: not checked
    }

    QString checkType(const QJsonObject &s, const QJsonValue &v, const QString &where) const
    {
        const QJsonValue type = s.value(QStringLiteral("type"));
        QStringList types;
        if (type.isString())
            types.append(type.toString());
        for (const QJsonValue &t : type.toArray())
            types.append(t.toString());
        if (types.isEmpty())
            return {};
        for (const QString &t : std::as_const(types)) {
            if (hasType(t, v))
                return {};
        }
        return where + QStringLiteral(": expected %1").arg(types.join(QStringLiteral(" or ")));
    }

    QString checkCombinations(const QJsonObject &s, const QJsonValue &v, const QString &where,
                              int depth)
    {
        for (const QJsonValue &sub : s.value(QStringLiteral("allOf")).toArray()) {
            if (QString e = check(sub, v, where, depth + 1); !e.isEmpty())
                return e;
        }
        if (s.contains(QStringLiteral("anyOf"))) {
            QString first;
            bool any = false;
            for (const QJsonValue &sub : s.value(QStringLiteral("anyOf")).toArray()) {
                const QString e = check(sub, v, where, depth + 1);
                any = any || e.isEmpty();
                if (first.isEmpty())
                    first = e;
            }
            if (!any)
                return first.isEmpty() ? where + QStringLiteral(": fits none of anyOf") : first;
        }
        if (s.contains(QStringLiteral("oneOf"))) {
            int fits = 0;
            for (const QJsonValue &sub : s.value(QStringLiteral("oneOf")).toArray())
                fits += check(sub, v, where, depth + 1).isEmpty();
            if (fits != 1)
                return where +
                       QStringLiteral(": must fit exactly one of oneOf (fits %1)").arg(fits);
        }
        if (s.contains(QStringLiteral("not")) &&
            check(s.value(QStringLiteral("not")), v, where, depth + 1).isEmpty())
            return where + QStringLiteral(": matches a schema it must not match");
        return {};
    }

    static QString checkString(const QJsonObject &s, const QString &text, const QString &where)
    {
        const qsizetype length = text.toUcs4().size();
        if (s.contains(QStringLiteral("minLength")) &&
            length < s.value(QStringLiteral("minLength")).toInteger())
            return where + QStringLiteral(": shorter than %1 characters")
                               .arg(s.value(QStringLiteral("minLength")).toInteger());
        if (s.contains(QStringLiteral("maxLength")) &&
            length > s.value(QStringLiteral("maxLength")).toInteger())
            return where + QStringLiteral(": longer than %1 characters")
                               .arg(s.value(QStringLiteral("maxLength")).toInteger());
        if (s.contains(QStringLiteral("pattern"))) {
            const QRegularExpression re(s.value(QStringLiteral("pattern")).toString());
            if (re.isValid() && !re.match(text).hasMatch())
                return where + QStringLiteral(": does not match the pattern %1")
                                   .arg(s.value(QStringLiteral("pattern")).toString().left(120));
        }
        return {};
    }

    static QString checkNumber(const QJsonObject &s, double n, const QString &where)
    {
        const auto bound = [&](const char *key) { return s.value(QLatin1String(key)); };
        if (bound("minimum").isDouble() && n < bound("minimum").toDouble())
            return where +
                   QStringLiteral(": below the minimum %1").arg(bound("minimum").toDouble());
        if (bound("maximum").isDouble() && n > bound("maximum").toDouble())
            return where +
                   QStringLiteral(": above the maximum %1").arg(bound("maximum").toDouble());
        if (bound("exclusiveMinimum").isDouble() && n <= bound("exclusiveMinimum").toDouble())
            return where +
                   QStringLiteral(": must be above %1").arg(bound("exclusiveMinimum").toDouble());
        if (bound("exclusiveMaximum").isDouble() && n >= bound("exclusiveMaximum").toDouble())
            return where +
                   QStringLiteral(": must be below %1").arg(bound("exclusiveMaximum").toDouble());
        if (bound("exclusiveMinimum").toBool() && bound("minimum").isDouble() &&
            n <= bound("minimum").toDouble())
            return where + QStringLiteral(": must be above %1").arg(bound("minimum").toDouble());
        if (bound("exclusiveMaximum").toBool() && bound("maximum").isDouble() &&
            n >= bound("maximum").toDouble())
            return where + QStringLiteral(": must be below %1").arg(bound("maximum").toDouble());
        if (bound("multipleOf").isDouble() && bound("multipleOf").toDouble() > 0) {
            const double q = n / bound("multipleOf").toDouble();
            if (std::fabs(q - std::round(q)) > 1e-9)
                return where +
                       QStringLiteral(": not a multiple of %1").arg(bound("multipleOf").toDouble());
        }
        return {};
    }

    QString checkArray(const QJsonObject &s, const QJsonArray &a, const QString &where, int depth)
    {
        if (s.contains(QStringLiteral("minItems")) &&
            a.size() < s.value(QStringLiteral("minItems")).toInteger())
            return where + QStringLiteral(": fewer than %1 items")
                               .arg(s.value(QStringLiteral("minItems")).toInteger());
        if (s.contains(QStringLiteral("maxItems")) &&
            a.size() > s.value(QStringLiteral("maxItems")).toInteger())
            return where + QStringLiteral(": more than %1 items")
                               .arg(s.value(QStringLiteral("maxItems")).toInteger());
        QJsonArray prefix = s.value(QStringLiteral("prefixItems")).toArray();
        QJsonValue rest = s.value(QStringLiteral("items"));
        if (rest.isArray()) { // draft 7 tuples
            prefix = rest.toArray();
            rest = s.value(QStringLiteral("additionalItems"));
        }
        for (qsizetype i = 0; i < a.size(); ++i) {
            const QJsonValue itemSchema = i < prefix.size() ? prefix[i] : rest;
            if (itemSchema.isUndefined())
                continue;
            if (QString e =
                    check(itemSchema, a[i], QStringLiteral("%1[%2]").arg(where).arg(i), depth + 1);
                !e.isEmpty())
                return e;
        }
        return {};
    }

    QString checkObject(const QJsonObject &s, const QJsonObject &o, const QString &where, int depth)
    {
        for (const QJsonValue &r : s.value(QStringLiteral("required")).toArray()) {
            if (!o.contains(r.toString()))
                return where + QStringLiteral(": '%1' is required").arg(r.toString());
        }
        const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
        const QJsonObject patterns = s.value(QStringLiteral("patternProperties")).toObject();
        const QJsonValue additional = s.value(QStringLiteral("additionalProperties"));
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString at = where + QLatin1Char('.') + it.key();
            bool known = false;
            if (properties.contains(it.key())) {
                known = true;
                if (QString e = check(properties.value(it.key()), it.value(), at, depth + 1);
                    !e.isEmpty())
                    return e;
            }
            for (auto p = patterns.begin(); p != patterns.end(); ++p) {
                const QRegularExpression re(p.key());
                if (!re.isValid() || !re.match(it.key()).hasMatch())
                    continue;
                known = true;
                if (QString e = check(p.value(), it.value(), at, depth + 1); !e.isEmpty())
                    return e;
            }
            if (known || additional.isUndefined())
                continue;
            if (additional.isBool() && !additional.toBool())
                return where + QStringLiteral(": '%1' is not allowed").arg(it.key());
            if (QString e = check(additional, it.value(), at, depth + 1); !e.isEmpty())
                return e;
        }
        return {};
    }

    // A local reference: "#", "#/definitions/x", "#/$defs/x" (JSON Pointer, ~0 ~1 escapes).
    QJsonValue resolve(const QString &ref) const
    {
        if (!ref.startsWith(QLatin1Char('#')))
            return QJsonValue(QJsonValue::Undefined);
        QJsonValue at = m_root;
        const QStringList parts = ref.mid(1).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        for (QString part : parts) {
            part.replace(QStringLiteral("~1"), QStringLiteral("/"))
                .replace(QStringLiteral("~0"), QStringLiteral("~"));
            if (at.isObject()) {
                at = at.toObject().value(part);
            } else if (at.isArray()) {
                bool ok = false;
                const int i = part.toInt(&ok);
                at = ok ? at.toArray().at(i) : QJsonValue(QJsonValue::Undefined);
            } else {
                return QJsonValue(QJsonValue::Undefined);
            }
        }
        return at;
    }

    QJsonValue m_root;
};

} // namespace

QString checkJsonSchema(const QJsonValue &schema, const QJsonValue &value, const QString &where)
{
    return SchemaCheck(schema).check(schema, value, where, 0);
}

} // namespace interlock::integrations
