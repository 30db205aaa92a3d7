#include "GrantMatch.h"

#include "core/CanonicalJson.h"
#include "core/ShellWords.h"

#include <QJsonArray>

namespace interlock {

namespace {
const QString kShell = QStringLiteral("shell.exec");
const QString kWrite = QStringLiteral("fs.write");
const QString kMcp = QStringLiteral("mcp.tool_call");

QByteArray hashOf(const QJsonObject &o)
{
    return sha256Hex(canonicalJson(o));
}

// Every payload field but `skip`, as it is.
QJsonObject otherFields(const QJsonObject &payload, const QStringList &skip)
{
    QJsonObject out;
    for (auto it = payload.constBegin(); it != payload.constEnd(); ++it) {
        if (!skip.contains(it.key()))
            out.insert(it.key(), it.value());
    }
    return out;
}
} // namespace

QString normalisedPath(const QString &path, QString *refusal)
{
    refusal->clear();
    if (!path.startsWith(QLatin1Char('/'))) {
        *refusal = QStringLiteral("the path '%1' is not absolute").arg(path.left(200));
        return {};
    }
    QStringList parts;
    for (const QString &segment : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (segment == QLatin1String("."))
            continue;
        if (segment == QLatin1String("..")) {
            *refusal = QStringLiteral("the path '%1' climbs with '..'").arg(path.left(200));
            return {};
        }
        for (const QChar c : segment) {
            if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Format) {
                *refusal = QStringLiteral("the path contains a control character");
                return {};
            }
        }
        parts.append(segment);
    }
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

bool GrantMatch::grantable(const QString &kind)
{
    return kind == kShell || kind == kWrite || kind == kMcp;
}

QString GrantMatch::readSpec(const QString &kind, const QJsonObject &match, Spec *out)
{
    *out = Spec{};
    if (!grantable(kind))
        return QStringLiteral("'%1' actions cannot be granted: only shell.exec, fs.write and "
                              "mcp.tool_call have an exact match")
            .arg(kind);
    if (kind != kMcp) {
        if (!match.isEmpty())
            return QStringLiteral("a %1 grant matches exactly and takes no 'match' options")
                .arg(kind);
        return {};
    }
    for (auto it = match.constBegin(); it != match.constEnd(); ++it) {
        if (it.key() != QLatin1String("arguments"))
            return QStringLiteral("'match' of an mcp.tool_call grant takes only 'arguments'");
    }
    if (!match.contains(QStringLiteral("arguments")))
        return {};
    const QJsonValue v = match.value(QStringLiteral("arguments"));
    if (!v.isArray() || v.toArray().isEmpty() || v.toArray().size() > 32)
        return QStringLiteral("'match.arguments' must list 1 to 32 argument names (leave it out "
                              "to require every argument to be equal)");
    for (const QJsonValue &name : v.toArray()) {
        if (!name.isString() || name.toString().isEmpty() || name.toString().size() > 128)
            return QStringLiteral("'match.arguments' must hold argument names");
        if (!out->arguments.contains(name.toString()))
            out->arguments.append(name.toString());
    }
    out->arguments.sort();
    return {};
}

QJsonObject GrantMatch::specJson(const Spec &spec)
{
    if (spec.arguments.isEmpty())
        return {};
    return {{QStringLiteral("arguments"), QJsonArray::fromStringList(spec.arguments)}};
}

GrantMatch::Spec GrantMatch::specFrom(const QJsonObject &json)
{
    Spec s;
    for (const QJsonValue &v : json.value(QStringLiteral("arguments")).toArray())
        s.arguments.append(v.toString());
    return s;
}

GrantMatch GrantMatch::of(const QJsonObject &action, const Spec &spec)
{
    GrantMatch m;
    const QString kind = action.value(QStringLiteral("kind")).toString();
    const QJsonObject payload = action.value(QStringLiteral("payload")).toObject();
    QJsonObject coarse{{QStringLiteral("agent"), action.value(QStringLiteral("agent"))},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("target"), action.value(QStringLiteral("target"))}};
    QJsonObject facts;
    if (kind == kShell) {
        const QJsonValue command = payload.value(QStringLiteral("command"));
        if (!command.isString()) {
            m.refusal = QStringLiteral("'command' is not a string");
            return m;
        }
        const ShellWords words = ShellWords::parse(command.toString());
        if (!words.ok()) {
            m.refusal = QStringLiteral("the command cannot be matched exactly: ") + words.refusal;
            return m;
        }
        if (const QString wrapper = ShellWords::wrapperReason(words.argv); !wrapper.isEmpty()) {
            m.refusal = QStringLiteral("the command cannot be granted: ") + wrapper;
            return m;
        }
        facts.insert(QStringLiteral("argv"), QJsonArray::fromStringList(words.argv));
        const QJsonValue cwd = payload.value(QStringLiteral("cwd"));
        if (cwd.isUndefined() || cwd.isNull()) {
            facts.insert(QStringLiteral("cwd"), QJsonValue::Null);
        } else {
            const QString normal =
                cwd.isString() ? normalisedPath(cwd.toString(), &m.refusal) : QString();
            if (!cwd.isString())
                m.refusal = QStringLiteral("'cwd' is not a string");
            if (!m.ok()) {
                m.refusal =
                    QStringLiteral("the working folder cannot be matched exactly: ") + m.refusal;
                return m;
            }
            facts.insert(QStringLiteral("cwd"), normal);
        }
        facts.insert(QStringLiteral("other"),
                     otherFields(payload, {QStringLiteral("command"), QStringLiteral("cwd")}));
    } else if (kind == kWrite) {
        const QJsonValue path = payload.value(QStringLiteral("path"));
        const QString normal =
            path.isString() ? normalisedPath(path.toString(), &m.refusal) : QString();
        if (!path.isString())
            m.refusal = QStringLiteral("'path' is not a string");
        if (!m.ok())
            return m;
        facts.insert(QStringLiteral("path"), normal);
        facts.insert(QStringLiteral("other"),
                     otherFields(payload, {QStringLiteral("path"), QStringLiteral("content")}));
    } else if (kind == kMcp) {
        const QJsonValue server = payload.value(QStringLiteral("server"));
        const QJsonValue tool = payload.value(QStringLiteral("tool"));
        const QJsonValue arguments = payload.value(QStringLiteral("arguments"));
        if (!server.isString() || !tool.isString() ||
            !(arguments.isObject() || arguments.isUndefined())) {
            m.refusal = QStringLiteral("an mcp.tool_call needs 'server' and 'tool' strings and "
                                       "an 'arguments' object");
            return m;
        }
        coarse.insert(QStringLiteral("server"), server);
        coarse.insert(QStringLiteral("tool"), tool);
        facts.insert(QStringLiteral("server"), server);
        facts.insert(QStringLiteral("tool"), tool);
        const QJsonObject args = arguments.toObject();
        if (spec.arguments.isEmpty()) {
            facts.insert(QStringLiteral("arguments"), args);
        } else {
            QJsonObject chosen;
            for (const QString &name : spec.arguments) {
                if (!args.contains(name)) {
                    m.refusal = QStringLiteral("the call has no argument '%1'").arg(name);
                    return m;
                }
                chosen.insert(name, args.value(name));
            }
            facts.insert(QStringLiteral("arguments"), chosen);
            facts.insert(QStringLiteral("chosen_arguments"),
                         QJsonArray::fromStringList(spec.arguments));
        }
        facts.insert(
            QStringLiteral("other"),
            otherFields(payload, {QStringLiteral("server"), QStringLiteral("tool"),
                                  QStringLiteral("arguments"), QStringLiteral("annotations")}));
    } else {
        m.refusal = QStringLiteral("'%1' actions cannot be granted").arg(kind);
        return m;
    }
    m.facts = facts;
    m.bucket = hashOf(coarse);
    QJsonObject all = coarse;
    all.insert(QStringLiteral("facts"), facts);
    m.key = hashOf(all);
    return m;
}

} // namespace interlock
