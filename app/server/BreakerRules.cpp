#include "BreakerRules.h"

#include "PayloadForms.h"
#include "core/ShellCommands.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace interlock {

namespace {
const QStringList kMeasures{QStringLiteral("destructive_actions"), QStringLiteral("deleted_items"),
                            QStringLiteral("rejections_in_a_row"), QStringLiteral("submissions")};

bool stringList(const QJsonValue &v, QStringList *out)
{
    if (v.isUndefined())
        return true;
    if (!v.isArray())
        return false;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString() || item.toString().isEmpty())
            return false;
        out->append(item.toString());
    }
    return true;
}

// The line of the breaker with this id (or the index-th one) in the file, for error messages.
int lineOf(const QByteArray &text, const QString &id, int index)
{
    const qsizetype section = text.indexOf("\"breakers\"");
    if (section < 0)
        return 0;
    qsizetype at = -1;
    if (!id.isEmpty())
        at = text.indexOf(QByteArray('"' + id.toUtf8() + '"'), section);
    if (at < 0) {
        // The index-th object after the array opens.
        at = text.indexOf('[', section);
        for (int i = 0; at >= 0 && i <= index; ++i)
            at = text.indexOf('{', at + 1);
    }
    return at < 0 ? 0 : int(text.left(at).count('\n')) + 1;
}

bool reasonListed(const QString &rule, const QStringList &listed)
{
    for (const QString &r : listed) {
        if (r.endsWith(QLatin1String(".*")) ? rule.startsWith(r.chopped(1)) : rule == r)
            return true;
    }
    return false;
}
} // namespace

QString BreakerRule::measureName() const
{
    return kMeasures.value(int(measure));
}

QString BreakerRule::scopeName() const
{
    return scope == Scope::Agent ? QStringLiteral("agent") : QStringLiteral("session");
}

QString BreakerRule::actName() const
{
    return act == Act::Kill ? QStringLiteral("kill") : QStringLiteral("freeze");
}

QString BreakerRule::describe(qint64 count) const
{
    static const char *const nouns[] = {"destructive actions", "deleted items",
                                        "rejected actions in a row", "submissions"};
    QString text = QStringLiteral("%1 %2").arg(count).arg(QLatin1String(nouns[int(measure)]));
    if (windowed())
        text += QStringLiteral(" in %1 s").arg(windowSeconds);
    text += QStringLiteral(" (limit: more than %1)").arg(moreThan);
    if (!message.isEmpty())
        text = message + QStringLiteral(": ") + text;
    return text;
}

QJsonObject BreakerRule::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("scope"), scopeName()},
                  {QStringLiteral("measure"), measureName()},
                  {QStringLiteral("more_than"), moreThan},
                  {QStringLiteral("action"), actName()},
                  {QStringLiteral("critical"), critical}};
    if (windowed())
        o.insert(QStringLiteral("window_seconds"), windowSeconds);
    if (!kinds.isEmpty())
        o.insert(QStringLiteral("kinds"), QJsonArray::fromStringList(kinds));
    if (!message.isEmpty())
        o.insert(QStringLiteral("message"), message);
    return o;
}

bool BreakerRules::readDestructive(const QJsonObject &root, QString *error)
{
    // The shipped definition, used when the file has no "destructive" section.
    m_kinds = {QStringLiteral("fs.delete"), QStringLiteral("email.delete")};
    m_reasons = {QStringLiteral("shell.destructive"),
                 QStringLiteral("shell.wipe"),
                 QStringLiteral("shell.git-discard"),
                 QStringLiteral("shell.force-push"),
                 QStringLiteral("shell.remote-ref-delete"),
                 QStringLiteral("shell.sql-destructive"),
                 QStringLiteral("mail.delete-in-command"),
                 QStringLiteral("sql.destructive"),
                 QStringLiteral("git.force"),
                 QStringLiteral("delete.*")};
    m_commands = {QStringLiteral("rm"), QStringLiteral("rmdir"), QStringLiteral("unlink"),
                  QStringLiteral("shred")};
    m_itemFields = {{QStringLiteral("email.delete"), {QStringLiteral("message_ids")}},
                    {QStringLiteral("fs.delete"), {QStringLiteral("paths")}}};
    const QJsonValue section = root.value(QStringLiteral("destructive"));
    if (section.isUndefined())
        return true;
    const auto bad = [error](const QString &what) {
        *error = QStringLiteral("destructive: ") + what;
        return false;
    };
    if (!section.isObject())
        return bad(QStringLiteral("must be a JSON object"));
    const QJsonObject d = section.toObject();
    static const QSet<QString> known{
        QStringLiteral("kinds"), QStringLiteral("reasons"), QStringLiteral("commands"),
        QStringLiteral("mcp_destructive_hint"), QStringLiteral("deleted_items")};
    for (auto it = d.constBegin(); it != d.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return bad(QStringLiteral("unknown field \"%1\"").arg(it.key()));
    }
    const auto list = [&](const char *name, QStringList *out) {
        const QJsonValue v = d.value(QLatin1String(name));
        if (v.isUndefined())
            return true;
        out->clear();
        if (!stringList(v, out))
            return bad(
                QStringLiteral("\"%1\" must be an array of strings").arg(QLatin1String(name)));
        return true;
    };
    if (!list("kinds", &m_kinds) || !list("reasons", &m_reasons) || !list("commands", &m_commands))
        return false;
    const QJsonValue hint = d.value(QStringLiteral("mcp_destructive_hint"));
    if (!hint.isUndefined() && !hint.isBool())
        return bad(QStringLiteral("\"mcp_destructive_hint\" must be true or false"));
    m_mcpHint = hint.toBool(true);
    const QJsonValue items = d.value(QStringLiteral("deleted_items"));
    if (!items.isUndefined()) {
        if (!items.isObject())
            return bad(QStringLiteral("\"deleted_items\" must map kinds to arrays of field names"));
        m_itemFields.clear();
        const QJsonObject map = items.toObject();
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            QStringList fields;
            if (!stringList(it.value(), &fields) || fields.isEmpty())
                return bad(QStringLiteral("\"deleted_items.%1\" must be an array of field names")
                               .arg(it.key()));
            m_itemFields.insert(it.key(), fields);
        }
    }
    return true;
}

std::shared_ptr<const BreakerRules> BreakerRules::read(const QJsonObject &root,
                                                       const QByteArray &text, QString *error)
{
    auto out = std::make_shared<BreakerRules>();
    if (!out->readDestructive(root, error))
        return nullptr;
    const QJsonValue list = root.value(QStringLiteral("breakers"));
    if (list.isUndefined())
        return out;
    if (!list.isArray()) {
        *error = QStringLiteral("\"breakers\" must be an array");
        return nullptr;
    }
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    static const QSet<QString> known{
        QStringLiteral("id"),        QStringLiteral("scope"),          QStringLiteral("measure"),
        QStringLiteral("more_than"), QStringLiteral("window_seconds"), QStringLiteral("action"),
        QStringLiteral("critical"),  QStringLiteral("kinds"),          QStringLiteral("message")};
    QSet<QString> ids;
    const QJsonArray array = list.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject o = array[i].toObject();
        BreakerRule rule;
        rule.id = o.value(QStringLiteral("id")).toString();
        const int line = lineOf(text, rule.id, i);
        const QString where = (rule.id.isEmpty() ? QStringLiteral("breaker #%1").arg(i + 1)
                                                 : QStringLiteral("breaker '%1'").arg(rule.id)) +
                              (line > 0 ? QStringLiteral(" (line %1)").arg(line) : QString());
        const auto bad = [&](const QString &what) {
            *error = where + QStringLiteral(": ") + what;
            return nullptr;
        };
        if (!array[i].isObject())
            return bad(QStringLiteral("must be a JSON object"));
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (!known.contains(it.key()))
                return bad(QStringLiteral("unknown field \"%1\"").arg(it.key()));
        }
        if (!idPattern.match(rule.id).hasMatch())
            return bad(QStringLiteral("needs an \"id\" of letters, digits, '.', '-' or '_'"));
        if (ids.contains(rule.id))
            return bad(QStringLiteral("the id is used twice"));
        ids.insert(rule.id);
        const QString scope = o.value(QStringLiteral("scope")).toString(QStringLiteral("session"));
        if (scope != QLatin1String("session") && scope != QLatin1String("agent"))
            return bad(QStringLiteral("\"scope\" must be \"session\" or \"agent\""));
        rule.scope = scope == QLatin1String("agent") ? BreakerRule::Scope::Agent
                                                     : BreakerRule::Scope::Session;
        const int measure = int(kMeasures.indexOf(o.value(QStringLiteral("measure")).toString()));
        if (measure < 0)
            return bad(QStringLiteral("\"measure\" must be one of: ") +
                       kMeasures.join(QStringLiteral(", ")));
        rule.measure = BreakerRule::Measure(measure);
        const QJsonValue moreThan = o.value(QStringLiteral("more_than"));
        // The range first: a double past qint64's range does not convert.
        if (!moreThan.isDouble() || !(moreThan.toDouble() >= 0 && moreThan.toDouble() <= 1e9) ||
            moreThan.toDouble() != double(qint64(moreThan.toDouble())))
            return bad(QStringLiteral("\"more_than\" must be a whole number from 0 to 1000000000"));
        rule.moreThan = qint64(moreThan.toDouble());
        const QJsonValue window = o.value(QStringLiteral("window_seconds"));
        if (rule.windowed()) {
            if (!window.isDouble() || window.toInt() < 1 || window.toInt() > 86400 ||
                window.toDouble() != double(window.toInt()))
                return bad(QStringLiteral("\"window_seconds\" must be a whole number from 1 to "
                                          "86400"));
            rule.windowSeconds = window.toInt();
        } else if (!window.isUndefined()) {
            return bad(QStringLiteral("rejections_in_a_row counts decisions in a row and takes no "
                                      "\"window_seconds\""));
        }
        const QString act = o.value(QStringLiteral("action")).toString();
        if (act != QLatin1String("freeze") && act != QLatin1String("kill"))
            return bad(QStringLiteral("\"action\" must be \"freeze\" or \"kill\""));
        rule.act = act == QLatin1String("kill") ? BreakerRule::Act::Kill : BreakerRule::Act::Freeze;
        const QJsonValue critical = o.value(QStringLiteral("critical"));
        if (!critical.isUndefined() && !critical.isBool())
            return bad(QStringLiteral("\"critical\" must be true or false"));
        rule.critical = critical.toBool(false);
        if (!stringList(o.value(QStringLiteral("kinds")), &rule.kinds))
            return bad(QStringLiteral("\"kinds\" must be an array of kinds"));
        const QJsonValue message = o.value(QStringLiteral("message"));
        if (!message.isUndefined() && (!message.isString() || message.toString().size() > 200))
            return bad(QStringLiteral("\"message\" must be a string of at most 200 characters"));
        rule.message = message.toString();
        out->m_rules.append(rule);
    }
    return out;
}

ActionFacts BreakerRules::factsOf(const QJsonObject &action) const
{
    ActionFacts f;
    const QString kind = action.value(QStringLiteral("kind")).toString();
    const QJsonObject payload = action.value(QStringLiteral("payload")).toObject();
    f.destructive = m_kinds.contains(kind);
    // However the list is written: an array, nested arrays, an object or one string of ids.
    for (const QString &field : m_itemFields.value(kind))
        f.deletedItems += PayloadForms::itemCount(payload.value(field));
    // The risk engine's findings: a listed rule, and any count of deleted items it extracted
    // (e.g. from a shell command such as `gog gmail batch delete …`).
    for (const QJsonValue &r : action.value(QStringLiteral("risk"))
                                   .toObject()
                                   .value(QStringLiteral("reasons"))
                                   .toArray()) {
        const QJsonObject reason = r.toObject();
        if (reasonListed(reason.value(QStringLiteral("rule")).toString(), m_reasons))
            f.destructive = true;
        const double items = reason.value(QStringLiteral("deleted_items")).toDouble(0);
        if (items > double(f.deletedItems) && items < 1e12)
            f.deletedItems = qint64(items);
    }
    // Every simple command the line runs, read as the shell reads it (also behind sudo, in
    // sh -c, after ; or a pipe, with globs or variables): a listed program is destructive and
    // deletes its operands.
    if (kind == QLatin1String("shell.exec") && !m_commands.isEmpty()) {
        qint64 operands = 0;
        bool listed = false;
        for (const ShellCommand &c :
             ShellCommands::read(payload.value(QStringLiteral("command")).toString())) {
            if (!c.hasProgram() || !m_commands.contains(c.name))
                continue;
            listed = true;
            operands += c.operands.size();
        }
        f.destructive = f.destructive || listed;
        f.deletedItems = qMax(f.deletedItems, operands);
    }
    // The MCP server's hints, with the defaults of the risk rule mcp.destructive (and of the
    // MCP specification): saying nothing is destructive, so is claiming destructiveHint true;
    // a tool is not destructive only when it claims destructiveHint false, or claims
    // readOnlyHint true and nothing about destructiveHint.
    if (kind == QLatin1String("mcp.tool_call") && m_mcpHint) {
        const QJsonObject hints = payload.value(QStringLiteral("annotations")).toObject();
        const QJsonValue readOnly = hints.value(QStringLiteral("readOnlyHint"));
        const QJsonValue destructive = hints.value(QStringLiteral("destructiveHint"));
        if (destructive.isBool() ? destructive.toBool() : !(readOnly.isBool() && readOnly.toBool()))
            f.destructive = true;
    }
    if (f.deletedItems > 0 && m_itemFields.contains(kind))
        f.destructive = true;
    return f;
}

qint64 BreakerRules::longestWindowMs() const
{
    qint64 longest = 0;
    for (const BreakerRule &r : m_rules)
        longest = qMax(longest, qint64(r.windowSeconds) * 1000);
    return longest;
}

QJsonObject BreakerRules::toJson() const
{
    QJsonArray rules;
    for (const BreakerRule &r : m_rules)
        rules.append(r.toJson());
    QJsonObject items;
    for (auto it = m_itemFields.constBegin(); it != m_itemFields.constEnd(); ++it)
        items.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return {{QStringLiteral("breakers"), rules},
            {QStringLiteral("destructive"),
             QJsonObject{{QStringLiteral("kinds"), QJsonArray::fromStringList(m_kinds)},
                         {QStringLiteral("reasons"), QJsonArray::fromStringList(m_reasons)},
                         {QStringLiteral("commands"), QJsonArray::fromStringList(m_commands)},
                         {QStringLiteral("mcp_destructive_hint"), m_mcpHint},
                         {QStringLiteral("deleted_items"), items}}}};
}

} // namespace interlock
