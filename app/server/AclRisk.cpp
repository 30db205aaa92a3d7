// The acl.change detectors: what the change grants compared with what the agent says was there
// (acl_widening), and what grants_after gives on its own, whatever the agent claims (acl_grants).
#include "RiskRules.h"

namespace interlock {

namespace {
using Rule = RiskEngine::Rule;

using Grant = AclGrant;

// read < comment < write < admin < owner; cloud role names map onto them ("roles/owner",
// "writer", "editor"); an access level we do not know counts as write.
int accessRank(QString access)
{
    static const QHash<QString, int> ranks{
        {QStringLiteral("read"), 0},          {QStringLiteral("reader"), 0},
        {QStringLiteral("viewer"), 0},        {QStringLiteral("view"), 0},
        {QStringLiteral("comment"), 1},       {QStringLiteral("commenter"), 1},
        {QStringLiteral("write"), 2},         {QStringLiteral("writer"), 2},
        {QStringLiteral("edit"), 2},          {QStringLiteral("editor"), 2},
        {QStringLiteral("contributor"), 2},   {QStringLiteral("admin"), 3},
        {QStringLiteral("administrator"), 3}, {QStringLiteral("manager"), 3},
        {QStringLiteral("maintain"), 3},      {QStringLiteral("owner"), 4}};
    access = access.trimmed().toLower();
    if (access.startsWith(QLatin1String("roles/")))
        access = access.mid(6);
    return ranks.value(access, 2);
}

// Principals that include everyone: a grant to them covers every other principal.
bool isEveryone(const QString &principal)
{
    static const QStringList everyone{QStringLiteral("anyone"),
                                      QStringLiteral("allusers"),
                                      QStringLiteral("public"),
                                      QStringLiteral("*"),
                                      QStringLiteral("allauthenticatedusers"),
                                      QStringLiteral("everyone")};
    return everyone.contains(principal.toLower());
}

bool isBroad(const QString &principal, const QList<QRegularExpression> &broad)
{
    for (const QRegularExpression &re : broad) {
        if (re.match(principal).hasMatch())
            return true;
    }
    return false;
}

QList<Grant> grantsOf(const QJsonObject &payload, const QString &key)
{
    QList<Grant> out;
    for (const QJsonValue &g : payload.value(key).toArray()) {
        const QJsonObject o = g.toObject();
        const QString access = o.value(QStringLiteral("access")).toString();
        out.append(
            Grant{o.value(QStringLiteral("principal")).toString(), access, accessRank(access), {}});
    }
    return out;
}

// The grants of grants_after that give more than grants_before claims. A duplicated principal
// in grants_before counts with its lowest access; a grant to everyone covers every principal.
QList<Grant> gainedGrants(const QJsonObject &payload)
{
    QHash<QString, int> before;
    QHash<QString, QString> beforeName;
    int everyone = -1;
    for (const Grant &g : grantsOf(payload, QStringLiteral("grants_before"))) {
        const auto it = before.constFind(g.principal);
        if (it == before.constEnd() || g.rank < *it) {
            before.insert(g.principal, g.rank);
            beforeName.insert(g.principal, g.access);
        }
        if (isEveryone(g.principal))
            everyone = qMax(everyone, g.rank);
    }
    QList<Grant> out;
    for (Grant g : grantsOf(payload, QStringLiteral("grants_after"))) {
        const int old = before.value(g.principal, -1);
        if (old >= g.rank || everyone >= g.rank)
            continue;
        g.before = old < 0 ? QStringLiteral("had no access")
                           : QStringLiteral("had %1").arg(beforeName.value(g.principal));
        g.before += QStringLiteral(" according to the agent's grants_before");
        out.append(g);
    }
    return out;
}

} // namespace

AclFacts AclFacts::read(const QJsonObject &payload)
{
    return AclFacts{grantsOf(payload, QStringLiteral("grants_after")), gainedGrants(payload)};
}

namespace {
QString andMore(qsizetype others)
{
    return others > 0 ? QStringLiteral(" (and %1 more)").arg(others) : QString();
}
} // namespace

QList<Finding> detectAcl(const Rule &rule, DetectorContext &c)
{
    const QJsonObject &payload = c.input.payload;
    if (rule.detector == Rule::Detector::AclWidening) {
        const QList<Grant> &more = c.facts.acl().gained;
        if (more.isEmpty())
            return {};
        const Grant &first = more.first();
        QList<Finding> out{{rule.id, rule.weight,
                            fillMessage(rule.message,
                                        {{QLatin1String("access"), first.access},
                                         {QLatin1String("principal"), first.principal},
                                         {QLatin1String("before"), first.before}},
                                        payload) +
                                andMore(more.size() - 1)}};
        for (const Grant &g : more) {
            if (rule.broadWeight > 0 && isBroad(g.principal, c.broad)) {
                out.append({rule.id + QStringLiteral(".broad"), rule.broadWeight,
                            QStringLiteral("%1 is a broad group: everyone in it gains access")
                                .arg(g.principal)});
                break;
            }
        }
        return out;
    }
    // acl_grants: grants_after on its own.
    const QList<Grant> &candidates = rule.onlyNew ? c.facts.acl().gained : c.facts.acl().after;
    QList<Grant> hits;
    for (const Grant &g : std::as_const(candidates)) {
        if (g.rank >= rule.minAccess && (!rule.broadOnly || isBroad(g.principal, c.broad)))
            hits.append(g);
    }
    if (hits.isEmpty())
        return {};
    const Grant &first = hits.first();
    return {{rule.id, rule.weight,
             fillMessage(rule.message,
                         {{QLatin1String("access"), first.access},
                          {QLatin1String("principal"), first.principal},
                          {QLatin1String("before"), first.before}},
                         payload) +
                 andMore(hits.size() - 1)}};
}

} // namespace interlock
