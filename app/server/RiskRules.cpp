#include "RiskRules.h"

#include "core/RiskLevel.h"

#include <QJsonDocument>
#include <QSet>
#include <QUrl>

namespace interlock {

namespace {
using Rule = RiskEngine::Rule;

const QHash<QString, Rule::Detector> &detectors()
{
    static const QHash<QString, Rule::Detector> map{
        {QStringLiteral("kind"), Rule::Detector::Kind},
        {QStringLiteral("unknown_kind"), Rule::Detector::UnknownKind},
        {QStringLiteral("equals"), Rule::Detector::Equals},
        {QStringLiteral("regex"), Rule::Detector::Regex},
        {QStringLiteral("acl_widening"), Rule::Detector::AclWidening},
        {QStringLiteral("count"), Rule::Detector::Count},
        {QStringLiteral("external_email"), Rule::Detector::ExternalEmail},
        {QStringLiteral("external_url"), Rule::Detector::ExternalUrl},
        {QStringLiteral("secret"), Rule::Detector::Secret},
        {QStringLiteral("claimed_hints"), Rule::Detector::ClaimedHints},
    };
    return map;
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    if (v.isString())
        out.append(v.toString());
    for (const QJsonValue &item : v.toArray()) {
        if (item.isString())
            out.append(item.toString());
    }
    return out;
}

// {name} placeholders from `vars`, then from the payload's top-level strings.
QString fill(QString message, const QHash<QString, QString> &vars, const QJsonObject &payload)
{
    for (auto it = vars.cbegin(); it != vars.cend(); ++it)
        message.replace(QLatin1Char('{') + it.key() + QLatin1Char('}'), it.value());
    for (auto it = payload.constBegin(); it != payload.constEnd(); ++it) {
        if (it.value().isString())
            message.replace(QLatin1Char('{') + it.key() + QLatin1Char('}'),
                            it.value().toString().left(120));
    }
    return message;
}

QString shorten(const QString &s)
{
    return s.size() > 80 ? s.left(79) + QChar(0x2026) : s;
}

bool isInternalHost(const QString &host, const QStringList &internal)
{
    const QString h = host.toLower();
    if (h.isEmpty() || h == QLatin1String("localhost") || h.endsWith(QLatin1String(".local")))
        return true;
    for (const QString &domain : internal) {
        if (h == domain || h.endsWith(QLatin1Char('.') + domain))
            return true;
    }
    return false;
}

int accessRank(const QString &access)
{
    static const QStringList order{QStringLiteral("read"), QStringLiteral("comment"),
                                   QStringLiteral("write"), QStringLiteral("admin"),
                                   QStringLiteral("owner")};
    const int i = int(order.indexOf(access.toLower()));
    return i < 0 ? 2 : i; // an access level we do not know counts as write
}

QList<Finding> aclWidening(const Rule &rule, const DetectorContext &c)
{
    QHash<QString, QString> before;
    for (const QJsonValue &g : c.input.payload.value(QStringLiteral("grants_before")).toArray())
        before.insert(g.toObject().value(QStringLiteral("principal")).toString(),
                      g.toObject().value(QStringLiteral("access")).toString());
    QStringList gained;
    QString firstPrincipal, firstAccess, firstBefore, broadPrincipal;
    for (const QJsonValue &g : c.input.payload.value(QStringLiteral("grants_after")).toArray()) {
        const QString principal = g.toObject().value(QStringLiteral("principal")).toString();
        const QString access = g.toObject().value(QStringLiteral("access")).toString();
        const auto old = before.constFind(principal);
        if (old != before.constEnd() && accessRank(access) <= accessRank(*old))
            continue;
        if (gained.isEmpty()) {
            firstPrincipal = principal;
            firstAccess = access;
            firstBefore = old == before.constEnd() ? QStringLiteral("had no access")
                                                   : QStringLiteral("had %1").arg(*old);
        }
        gained.append(principal);
        for (const QRegularExpression &broad : c.broad) {
            if (broadPrincipal.isEmpty() && broad.match(principal).hasMatch())
                broadPrincipal = principal;
        }
    }
    if (gained.isEmpty())
        return {};
    QString message = fill(rule.message,
                           {{QStringLiteral("access"), firstAccess},
                            {QStringLiteral("principal"), firstPrincipal},
                            {QStringLiteral("before"), firstBefore}},
                           c.input.payload);
    if (gained.size() > 1)
        message += QStringLiteral(" (and %1 more)").arg(gained.size() - 1);
    QList<Finding> out{{rule.id, rule.weight, message}};
    if (!broadPrincipal.isEmpty() && rule.broadWeight > 0)
        out.append({rule.id + QStringLiteral(".broad"), rule.broadWeight,
                    QStringLiteral("%1 is a broad group: everyone in it gains access")
                        .arg(broadPrincipal)});
    return out;
}

QList<Finding> regexFields(const Rule &rule, const DetectorContext &c)
{
    for (const QString &field : rule.fields) {
        const QStringList values = field == QLatin1String("@target")
                                       ? QStringList{c.input.target}
                                       : strings(c.input.payload.value(field));
        for (const QString &value : values) {
            for (const QRegularExpression &re : rule.patterns) {
                const QRegularExpressionMatch m = re.match(value);
                if (m.hasMatch())
                    return {{rule.id, rule.weight,
                             fill(rule.message,
                                  {{QStringLiteral("match"), shorten(m.captured(0).trimmed())}},
                                  c.input.payload)}};
            }
        }
    }
    return {};
}
// Hints an untrusted party claims about an action (an MCP server's tool annotations): a hint it
// does not claim takes the rule's default, so saying nothing never scores lower than the worst.
QList<Finding> claimedHints(const Rule &rule, const DetectorContext &c)
{
    const QJsonObject claimed = c.input.payload.value(rule.field).toObject();
    QStringList facts;
    for (auto it = rule.when.begin(); it != rule.when.end(); ++it) {
        const QJsonValue own = claimed.value(it.key());
        const bool isClaimed = own.isBool();
        const QJsonValue value = isClaimed ? own : rule.defaults.value(it.key());
        if (value != it.value())
            return {};
        facts.append(isClaimed ? QStringLiteral("%1 claimed %2")
                                     .arg(it.key(), own.toBool() ? QStringLiteral("true")
                                                                 : QStringLiteral("false"))
                               : QStringLiteral("%1 not claimed, taken as %2")
                                     .arg(it.key(), value.toBool() ? QStringLiteral("true")
                                                                   : QStringLiteral("false")));
    }
    return {{rule.id, rule.weight,
             fill(rule.message, {{QStringLiteral("claims"), facts.join(QStringLiteral(", "))}},
                  c.input.payload)}};
}
} // namespace

QRegularExpression wildcard(const QString &pattern)
{
    if (pattern ==
        QLatin1String("*")) // the principal literally named "*" (cloud policies), not "anything"
        return QRegularExpression(QStringLiteral("^\\*$"));
    return QRegularExpression(QLatin1Char('^') +
                                  QRegularExpression::escape(pattern).replace(
                                      QStringLiteral("\\*"), QStringLiteral(".*")) +
                                  QLatin1Char('$'),
                              QRegularExpression::CaseInsensitiveOption);
}

QList<Finding> detect(const Rule &rule, const DetectorContext &c)
{
    const QJsonObject &payload = c.input.payload;
    switch (rule.detector) {
    case Rule::Detector::Kind:
        return {{rule.id, rule.weight, c.input.kind + QLatin1Char(' ') + rule.message}};
    case Rule::Detector::UnknownKind:
        if (c.knownKinds.contains(c.input.kind))
            return {};
        return {{rule.id, rule.weight, QStringLiteral("'%1' %2").arg(c.input.kind, rule.message)}};
    case Rule::Detector::Equals: {
        const QJsonValue v = payload.value(rule.field);
        for (const QJsonValue &want : rule.values) {
            const bool same = want.isString() && v.isString()
                                  ? want.toString().compare(v.toString(), Qt::CaseInsensitive) == 0
                                  : want == v;
            if (same)
                return {
                    {rule.id, rule.weight,
                     fill(rule.message,
                          {{QStringLiteral("value"),
                            v.isString()
                                ? v.toString()
                                : QString::fromUtf8(
                                      QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                                      .mid(1)
                                      .chopped(1)}},
                          payload)}};
        }
        return {};
    }
    case Rule::Detector::Regex:
        return regexFields(rule, c);
    case Rule::Detector::AclWidening:
        return aclWidening(rule, c);
    case Rule::Detector::Count: {
        const int n = int(payload.value(rule.field).toArray().size());
        int weight = 0;
        for (const auto &[atLeast, w] : rule.thresholds) {
            if (n >= atLeast)
                weight = w;
        }
        if (weight == 0)
            return {};
        return {{rule.id, weight,
                 fill(rule.message, {{QStringLiteral("count"), QString::number(n)}}, payload)}};
    }
    case Rule::Detector::ExternalEmail: {
        QStringList outside;
        for (const QString &address : strings(payload.value(rule.field))) {
            const QString domain =
                address.section(QLatin1Char('@'), -1).trimmed().toLower().remove(QLatin1Char('>'));
            if (!isInternalHost(domain, c.internalDomains) && !outside.contains(domain))
                outside.append(domain);
        }
        if (outside.isEmpty())
            return {};
        return {{rule.id, rule.weight,
                 fill(rule.message,
                      {{QStringLiteral("domains"), outside.join(QStringLiteral(", "))}}, payload)}};
    }
    case Rule::Detector::ExternalUrl: {
        const QString host = QUrl(payload.value(rule.field).toString()).host();
        if (isInternalHost(host, c.internalDomains))
            return {};
        return {
            {rule.id, rule.weight, fill(rule.message, {{QStringLiteral("host"), host}}, payload)}};
    }
    case Rule::Detector::ClaimedHints:
        return claimedHints(rule, c);
    case Rule::Detector::Secret: {
        // The secret itself never goes into the message: the reason is shown to every reviewer.
        const QString haystack =
            QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)) +
            QLatin1Char('\n') + c.input.text;
        for (const QRegularExpression &re : rule.patterns) {
            if (re.match(haystack).hasMatch())
                return {{rule.id, rule.weight, rule.message}};
        }
        return {};
    }
    }
    return {};
}

bool RulesReader::readPolicy(RiskPolicy *policy, QString *error)
{
    const QJsonObject p = m_root.value(QStringLiteral("policy")).toObject();
    const QStringList levels{QStringLiteral("low"), QStringLiteral("medium"),
                             QStringLiteral("high"), QStringLiteral("critical")};
    for (int i = 0; i < 4; ++i) {
        const QJsonValue approvals =
            p.value(QStringLiteral("required_approvals")).toObject().value(levels[i]);
        const QJsonValue deadline =
            p.value(QStringLiteral("deadline_seconds")).toObject().value(levels[i]);
        if (!approvals.isUndefined()) {
            if (!approvals.isDouble() || approvals.toInt() < 1 || approvals.toInt() > 5) {
                *error = QStringLiteral(
                             "policy.required_approvals.%1 must be a whole number from 1 to 5")
                             .arg(levels[i]);
                return false;
            }
            policy->requiredApprovals[i] = approvals.toInt();
        }
        if (!deadline.isUndefined()) {
            if (!deadline.isDouble() || deadline.toInt() < 10) {
                *error = QStringLiteral(
                             "policy.deadline_seconds.%1 must be a whole number of at least 10")
                             .arg(levels[i]);
                return false;
            }
            policy->deadlineSeconds[i] = deadline.toInt();
        }
    }
    const QJsonValue autoLow = p.value(QStringLiteral("auto_approve_low"));
    if (!autoLow.isUndefined() && !autoLow.isBool()) {
        *error = QStringLiteral("policy.auto_approve_low must be true or false");
        return false;
    }
    policy->autoApproveLow = autoLow.toBool(false);
    return true;
}

bool RulesReader::readRule(const QJsonValue &value, int index, Rule *rule, QString *error)
{
    const QJsonObject o = value.toObject();
    rule->id = o.value(QStringLiteral("id")).toString();
    const QString where = rule->id.isEmpty() ? QStringLiteral("rule #%1").arg(index + 1)
                                             : QStringLiteral("rule '%1'").arg(rule->id);
    const auto bad = [&](const QString &what) {
        *error = where + QStringLiteral(": ") + what;
        return false;
    };
    if (!value.isObject())
        return bad(QStringLiteral("must be a JSON object"));
    if (rule->id.isEmpty())
        return bad(QStringLiteral("needs an \"id\""));
    const auto detector = detectors().constFind(o.value(QStringLiteral("detector")).toString());
    if (detector == detectors().constEnd())
        return bad(QStringLiteral("unknown detector \"%1\" (known: %2)")
                       .arg(o.value(QStringLiteral("detector")).toString(),
                            QStringList(detectors().keys()).join(QStringLiteral(", "))));
    rule->detector = *detector;
    rule->kinds = strings(o.value(QStringLiteral("kinds")));
    rule->message = o.value(QStringLiteral("message")).toString();
    if (rule->message.isEmpty())
        return bad(QStringLiteral("needs a \"message\""));
    const QJsonValue weight = o.value(QStringLiteral("weight"));
    if (rule->detector != Rule::Detector::Count &&
        (!weight.isDouble() || weight.toInt() < 0 || weight.toInt() > 100))
        return bad(QStringLiteral("\"weight\" must be a whole number from 0 to 100"));
    rule->weight = weight.toInt();
    rule->broadWeight = o.value(QStringLiteral("broad_weight")).toInt(0);
    rule->field = o.value(QStringLiteral("field")).toString();
    rule->fields = strings(o.value(QStringLiteral("fields")));
    rule->values = o.value(QStringLiteral("values")).toArray();
    const QStringList patterns = strings(o.value(QStringLiteral("patterns")));
    for (int i = 0; i < patterns.size(); ++i) {
        QRegularExpression re(patterns[i]);
        if (!re.isValid())
            return bad(QStringLiteral("pattern %1 is not a valid regular expression: %2")
                           .arg(i + 1)
                           .arg(re.errorString()));
        re.optimize();
        rule->patterns.append(re);
    }
    switch (rule->detector) {
    case Rule::Detector::Kind:
        if (rule->kinds.isEmpty())
            return bad(QStringLiteral("a \"kind\" rule needs \"kinds\""));
        break;
    case Rule::Detector::Equals:
        if (rule->field.isEmpty() || rule->values.isEmpty())
            return bad(QStringLiteral("an \"equals\" rule needs \"field\" and \"values\""));
        break;
    case Rule::Detector::Regex:
        if (rule->fields.isEmpty() || rule->patterns.isEmpty())
            return bad(QStringLiteral("a \"regex\" rule needs \"fields\" and \"patterns\""));
        break;
    case Rule::Detector::Secret:
        if (rule->patterns.isEmpty())
            return bad(QStringLiteral("a \"secret\" rule needs \"patterns\""));
        break;
    case Rule::Detector::Count:
        for (const QJsonValue &t : o.value(QStringLiteral("thresholds")).toArray()) {
            const QJsonArray pair = t.toArray();
            if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble() ||
                pair[1].toInt() < 0 || pair[1].toInt() > 100)
                return bad(QStringLiteral("\"thresholds\" must be [[at least N, weight], …]"));
            rule->thresholds.append({pair[0].toInt(), pair[1].toInt()});
        }
        if (rule->field.isEmpty() || rule->thresholds.isEmpty())
            return bad(QStringLiteral("a \"count\" rule needs \"field\" and \"thresholds\""));
        std::sort(rule->thresholds.begin(), rule->thresholds.end());
        break;
    case Rule::Detector::ExternalEmail:
    case Rule::Detector::ExternalUrl:
        if (rule->field.isEmpty())
            return bad(QStringLiteral("needs a \"field\""));
        break;
    case Rule::Detector::ClaimedHints:
        rule->when = o.value(QStringLiteral("when")).toObject();
        rule->defaults = o.value(QStringLiteral("defaults")).toObject();
        if (rule->field.isEmpty() || rule->when.isEmpty())
            return bad(QStringLiteral("a \"claimed_hints\" rule needs \"field\" and \"when\""));
        for (auto it = rule->when.begin(); it != rule->when.end(); ++it) {
            if (!it.value().isBool() || !rule->defaults.value(it.key()).isBool())
                return bad(QStringLiteral("\"when\".%1 and \"defaults\".%1 must be true or false")
                               .arg(it.key()));
        }
        break;
    case Rule::Detector::UnknownKind:
    case Rule::Detector::AclWidening:
        break;
    }
    return true;
}

bool RulesReader::read(QList<Rule> *rules, RiskPolicy *policy, QStringList *internalDomains,
                       QList<QRegularExpression> *broad, QString *error)
{
    if (m_root.value(QStringLiteral("version")).toInt() != 1) {
        *error = QStringLiteral("\"version\" must be 1");
        return false;
    }
    if (!readPolicy(policy, error))
        return false;
    *internalDomains = strings(m_root.value(QStringLiteral("internal_domains")));
    for (const QString &b : strings(m_root.value(QStringLiteral("broad_principals"))))
        broad->append(wildcard(b));
    const QJsonArray list = m_root.value(QStringLiteral("rules")).toArray();
    if (list.isEmpty()) {
        *error = QStringLiteral("\"rules\" must be a non-empty array");
        return false;
    }
    QSet<QString> ids;
    for (int i = 0; i < list.size(); ++i) {
        Rule rule;
        if (!readRule(list[i], i, &rule, error))
            return false;
        if (ids.contains(rule.id)) {
            *error = QStringLiteral("rule '%1': the id is used twice").arg(rule.id);
            return false;
        }
        ids.insert(rule.id);
        rules->append(rule);
    }
    return true;
}

} // namespace interlock
