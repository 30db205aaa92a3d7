// Reading and validating a rules file (docs/risk-rules.md), and helpers the detectors share.
#include "RiskRules.h"

#include "PackageInstalls.h"

#include <algorithm>

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <cmath>

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
        {QStringLiteral("acl_grants"), Rule::Detector::AclGrants},
        {QStringLiteral("count"), Rule::Detector::Count},
        {QStringLiteral("count_matching"), Rule::Detector::CountMatching},
        {QStringLiteral("external_email"), Rule::Detector::ExternalEmail},
        {QStringLiteral("external_url"), Rule::Detector::ExternalUrl},
        {QStringLiteral("secret"), Rule::Detector::Secret},
        {QStringLiteral("hidden_text"), Rule::Detector::HiddenText},
        {QStringLiteral("view_mismatch"), Rule::Detector::ViewMismatch},
        {QStringLiteral("personal_data"), Rule::Detector::PersonalData},
        {QStringLiteral("amount"), Rule::Detector::Amount},
        {QStringLiteral("mail_delete"), Rule::Detector::MailDelete},
        {QStringLiteral("sent_files"), Rule::Detector::SentFiles},
        {QStringLiteral("written_files"), Rule::Detector::WrittenFiles},
        {QStringLiteral("env_keys"), Rule::Detector::EnvKeys},
        {QStringLiteral("flags_true"), Rule::Detector::FlagsTrue},
        {QStringLiteral("other_fields"), Rule::Detector::OtherFields},
        {QStringLiteral("claimed_hints"), Rule::Detector::ClaimedHints},
        {QStringLiteral("copied_files"), Rule::Detector::CopiedFiles},
        {QStringLiteral("typosquat"), Rule::Detector::Typosquat},
        {QStringLiteral("install_source"), Rule::Detector::InstallSource},
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

bool readPatterns(const QJsonValue &v, QList<FastRegex> *out, QString *problem)
{
    const QStringList patterns = strings(v);
    for (int i = 0; i < patterns.size(); ++i) {
        FastRegex re(patterns[i]);
        if (!re.isValid()) {
            *problem = QStringLiteral("pattern %1 is not a valid regular expression: %2")
                           .arg(i + 1)
                           .arg(re.errorString());
            return false;
        }
        out->append(re);
    }
    return true;
}

bool isWeight(const QJsonValue &v)
{
    return v.isDouble() && v.toInt() >= 0 && v.toInt() <= 100 && v.toDouble() == v.toInt();
}

int accessLevel(const QString &name)
{
    static const QStringList order{QStringLiteral("read"), QStringLiteral("comment"),
                                   QStringLiteral("write"), QStringLiteral("admin"),
                                   QStringLiteral("owner")};
    return int(order.indexOf(name));
}
} // namespace

Rule::KindSet Rule::KindSet::from(const QStringList &names)
{
    KindSet set;
    for (const QString &name : names) {
        if (name.endsWith(QLatin1String(".*")))
            set.prefixes.append(name.chopped(1));
        else
            set.exact.append(name);
    }
    return set;
}

bool Rule::KindSet::contains(const QString &kind) const
{
    return exact.contains(kind) ||
           std::any_of(prefixes.cbegin(), prefixes.cend(),
                       [&kind](const QString &prefix) { return kind.startsWith(prefix); });
}

bool Rule::appliesTo(const QString &kind) const
{
    return kinds.isEmpty() || kinds.contains(kind);
}

namespace {
bool sameValue(const QJsonValue &want, const QJsonValue &v)
{
    return want.isString() && v.isString()
               ? want.toString().compare(v.toString(), Qt::CaseInsensitive) == 0
               : want == v;
}
} // namespace

bool Rule::preconditionHolds(const QJsonObject &payload) const
{
    if (onlyIfField.isEmpty() || !payload.contains(onlyIfField))
        return true;
    const QJsonValue v = payload.value(onlyIfField);
    for (const QJsonValue &want : onlyIfValues) {
        if (sameValue(want, v))
            return true;
    }
    return false;
}

bool valueEquals(const QJsonValue &want, const QJsonValue &v)
{
    return sameValue(want, v);
}

QString fillMessage(QString message, MessageFacts vars, const QJsonObject &payload)
{
    if (!message.contains(QLatin1Char('{')))
        return message;
    for (const auto &[name, value] : vars) {
        if (message.contains(name))
            message.replace(QLatin1Char('{') + name + QLatin1Char('}'), value);
    }
    // Then each remaining {name} from the payload's top-level strings: the placeholders are
    // looked up (not every key of the payload tried), and text put in is not searched again.
    qsizetype from = 0;
    while (true) {
        const qsizetype open = message.indexOf(QLatin1Char('{'), from);
        if (open < 0)
            break;
        const qsizetype close = message.indexOf(QLatin1Char('}'), open + 1);
        if (close < 0)
            break;
        const auto found =
            payload.constFind(QStringView(message).sliced(open + 1, close - open - 1));
        if (found == payload.constEnd() || !found->isString()) {
            from = open + 1;
            continue;
        }
        const QString value = found->toString().left(120);
        message.replace(open, close - open + 1, value);
        from = open + value.size();
    }
    return message;
}

QStringList allStrings(const QJsonValue &v)
{
    QStringList out;
    if (v.isString()) {
        out.append(v.toString());
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            out += allStrings(item);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            out += allStrings(it.value());
    }
    return out;
}

int thresholdWeight(const QList<std::pair<qint64, int>> &thresholds, qint64 n)
{
    int weight = 0;
    for (const auto &[atLeast, w] : thresholds) {
        if (n >= atLeast)
            weight = w;
    }
    return weight;
}

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
        const QJsonValue reading =
            p.value(QStringLiteral("min_review_seconds")).toObject().value(levels[i]);
        if (!reading.isUndefined()) {
            if (!reading.isDouble() || reading.toInt() < 0 || reading.toInt() > 3600 ||
                reading.toDouble() != reading.toInt()) {
                *error = QStringLiteral(
                             "policy.min_review_seconds.%1 must be a whole number from 0 to 3600")
                             .arg(levels[i]);
                return false;
            }
            policy->minReviewSeconds[i] = reading.toInt();
        }
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

// typosquat's "popular": {"npm": [names], "pypi": [names]}, or the name of a JSON file holding
// that object (looked for in the rules file's folder, then among the built-in lists).
bool RulesReader::readPopular(const QJsonValue &v, Rule *rule, QString *error)
{
    QJsonObject lists = v.toObject();
    if (v.isString()) {
        static const QRegularExpression fileName(
            QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]*\\.json$"));
        const QString name = v.toString();
        if (!fileName.match(name).hasMatch()) {
            *error = QStringLiteral("\"popular\" must name a .json file beside the rules file "
                                    "(no folders), or hold the lists");
            return false;
        }
        QFile file(m_listDir.isEmpty() ? QString() : m_listDir + QLatin1Char('/') + name);
        if (!file.exists())
            file.setFileName(QStringLiteral(":/risk/") + name);
        QJsonParseError parseError;
        const QJsonDocument doc = file.open(QIODevice::ReadOnly)
                                      ? QJsonDocument::fromJson(file.readAll(), &parseError)
                                      : QJsonDocument();
        if (!doc.isObject()) {
            *error = QStringLiteral("\"popular\": %1 is missing or not a JSON object").arg(name);
            return false;
        }
        lists = doc.object();
    }
    auto popular = std::make_shared<QHash<QString, Rule::PopularNames>>();
    for (const QString &registry : {QStringLiteral("npm"), QStringLiteral("pypi")}) {
        const QStringList names = strings(lists.value(registry));
        if (names.isEmpty())
            continue;
        Rule::PopularNames &list = (*popular)[registry];
        for (const QString &name : names) {
            const QString n = PackageInstalls::normalised(name, registry);
            list.names.insert(n);
            if (list.byLength.size() <= n.size())
                list.byLength.resize(n.size() + 1);
            list.byLength[n.size()].append(n);
        }
    }
    rule->popular = popular;
    if (popular->isEmpty()) {
        *error = QStringLiteral("a \"typosquat\" rule needs \"popular\" lists of names for "
                                "\"npm\" or \"pypi\"");
        return false;
    }
    return true;
}

// The fields only some detectors use, and each detector's requirements.
bool RulesReader::readDetectorFields(const QJsonObject &o, Rule *rule, QString *error)
{
    const auto bad = [error](const QString &what) {
        *error = what;
        return false;
    };
    const auto optionalWeight = [&](const char *key, int *out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return true;
        if (!isWeight(v))
            return bad(QStringLiteral("\"%1\" must be a whole number from 0 to 100")
                           .arg(QLatin1String(key)));
        *out = v.toInt();
        return true;
    };
    if (!optionalWeight("broad_weight", &rule->broadWeight) ||
        !optionalWeight("softened_weight", &rule->softenedWeight) ||
        !optionalWeight("strong_weight", &rule->strongWeight) ||
        !optionalWeight("ip_weight", &rule->ipWeight) ||
        !optionalWeight("search_weight", &rule->searchWeight))
        return false;
    rule->onlyExternal = o.value(QStringLiteral("only_external")).toBool(false);
    if (const QJsonValue skip = o.value(QStringLiteral("skip_mentions")); !skip.isUndefined()) {
        if (!skip.isBool() || (rule->detector != Rule::Detector::Regex &&
                               rule->detector != Rule::Detector::MailDelete))
            return bad(QStringLiteral("\"skip_mentions\" must be true or false, on a \"regex\" "
                                      "or \"mail_delete\" rule"));
        rule->skipMentions = skip.toBool();
    }
    if (o.contains(QStringLiteral("only_if"))) {
        const QJsonObject onlyIf = o.value(QStringLiteral("only_if")).toObject();
        rule->onlyIfField = onlyIf.value(QStringLiteral("field")).toString();
        rule->onlyIfValues = onlyIf.value(QStringLiteral("values")).toArray();
        if (rule->onlyIfField.isEmpty() || rule->onlyIfValues.isEmpty())
            return bad(QStringLiteral("\"only_if\" needs {\"field\", \"values\"}"));
    }
    rule->softenedMessage = o.value(QStringLiteral("softened_message")).toString();
    rule->searchMessage = o.value(QStringLiteral("search_message")).toString();
    rule->strongFields = strings(o.value(QStringLiteral("strong_fields")));
    rule->types = strings(o.value(QStringLiteral("types")));
    rule->currencyField = o.value(QStringLiteral("currency_field")).toString();
    rule->withoutCurrencyKinds =
        Rule::KindSet::from(strings(o.value(QStringLiteral("without_currency_kinds"))));
    rule->patternsFrom = strings(o.value(QStringLiteral("patterns_from")));
    rule->minCount = o.value(QStringLiteral("min_count")).toInt(0);
    rule->broadOnly = o.value(QStringLiteral("principals")).toString() == QLatin1String("broad");
    rule->onlyNew = o.value(QStringLiteral("only_new")).toBool(false);
    if (o.contains(QStringLiteral("min_access"))) {
        rule->minAccess = accessLevel(o.value(QStringLiteral("min_access")).toString());
        if (rule->minAccess < 0)
            return bad(
                QStringLiteral("\"min_access\" must be read, comment, write, admin or owner"));
    }
    QString problem;
    if (!readPatterns(o.value(QStringLiteral("softened_by")), &rule->softenedBy, &problem))
        return bad(QStringLiteral("softened_by: ") + problem);
    for (const QString &name : strings(o.value(QStringLiteral("classes")))) {
        static const QHash<QString, HiddenClass> classes{
            {QStringLiteral("bidi"), HiddenClass::Bidi},
            {QStringLiteral("invisible"), HiddenClass::Invisible},
            {QStringLiteral("control"), HiddenClass::Control},
            {QStringLiteral("escape"), HiddenClass::Escape},
            {QStringLiteral("confusable"), HiddenClass::Confusable},
            {QStringLiteral("mixed_script"), HiddenClass::MixedScript},
            {QStringLiteral("marks"), HiddenClass::Marks},
            {QStringLiteral("blank_run"), HiddenClass::BlankRun},
            {QStringLiteral("right_to_left"), HiddenClass::RightToLeft}};
        const auto it = classes.constFind(name);
        if (it == classes.constEnd())
            return bad(QStringLiteral("unknown class \"%1\" in \"classes\"").arg(name));
        rule->classes.append(*it);
    }
    for (const QJsonValue &t : o.value(QStringLiteral("thresholds")).toArray()) {
        const QJsonArray pair = t.toArray();
        // N is bounded before it becomes an integer: a double past qint64's range (1e34, found by
        // fuzz_rules) does not convert.
        if (pair.size() != 2 || !pair[0].isDouble() || !(std::abs(pair[0].toDouble()) <= 9e15) ||
            !isWeight(pair[1]))
            return bad(QStringLiteral("\"thresholds\" must be [[at least N, weight], …] with N "
                                      "at most 9000000000000000 in size"));
        rule->thresholds.append({qint64(pair[0].toDouble()), pair[1].toInt()});
    }
    std::sort(rule->thresholds.begin(), rule->thresholds.end());
    if (o.contains(QStringLiteral("pattern_names"))) {
        rule->patternNames = strings(o.value(QStringLiteral("pattern_names")));
        if (rule->detector != Rule::Detector::Regex ||
            rule->patternNames.size() != rule->patterns.size() ||
            rule->patternNames.contains(QString()))
            return bad(QStringLiteral("\"pattern_names\" must name each of the \"patterns\" of a "
                                      "\"regex\" rule, in order"));
    }
    rule->trustedHosts = strings(o.value(QStringLiteral("trusted_hosts")));
    for (QString &host : rule->trustedHosts)
        host = host.toLower();

    using D = Rule::Detector;
    switch (rule->detector) {
    case D::Kind:
        if (rule->kinds.isEmpty())
            return bad(QStringLiteral("a \"kind\" rule needs \"kinds\""));
        break;
    case D::Equals:
        if ((rule->field.isEmpty() && rule->fields.isEmpty()) || rule->values.isEmpty())
            return bad(QStringLiteral("an \"equals\" rule needs \"field\" and \"values\""));
        break;
    case D::Regex:
    case D::EnvKeys:
        if (rule->fields.isEmpty() || rule->patterns.isEmpty())
            return bad(QStringLiteral("a \"regex\" or \"env_keys\" rule needs \"fields\" and "
                                      "\"patterns\""));
        break;
    case D::FlagsTrue:
    case D::OtherFields:
        if (rule->fields.isEmpty())
            return bad(QStringLiteral("a \"flags_true\" or \"other_fields\" rule needs "
                                      "\"fields\""));
        break;
    case D::SentFiles:
    case D::WrittenFiles:
        if (rule->patterns.isEmpty() && rule->patternsFrom.isEmpty())
            return bad(QStringLiteral("a \"sent_files\" or \"written_files\" rule needs "
                                      "\"patterns\" or \"patterns_from\""));
        break;
    case D::CopiedFiles:
        if (rule->patterns.isEmpty() && rule->patternsFrom.isEmpty())
            return bad(QStringLiteral("a \"copied_files\" rule needs \"patterns\" or "
                                      "\"patterns_from\""));
        break;
    case D::Typosquat:
        return readPopular(o.value(QStringLiteral("popular")), rule, error);
    case D::InstallSource:
        break;
    case D::Secret:
        if (rule->patterns.isEmpty())
            return bad(QStringLiteral("a \"secret\" rule needs \"patterns\""));
        break;
    case D::Count:
    case D::CountMatching:
        if (rule->field.isEmpty() || rule->thresholds.isEmpty())
            return bad(QStringLiteral("a \"count\" rule needs \"field\" and \"thresholds\""));
        if (rule->detector == D::CountMatching && rule->patterns.isEmpty())
            return bad(QStringLiteral("a \"count_matching\" rule needs \"patterns\""));
        break;
    case D::ExternalEmail:
    case D::ExternalUrl:
        if (rule->field.isEmpty() && rule->fields.isEmpty())
            return bad(QStringLiteral("needs a \"field\" or \"fields\""));
        break;
    case D::HiddenText:
        if (rule->classes.isEmpty())
            return bad(QStringLiteral("a \"hidden_text\" rule needs \"classes\""));
        break;
    case D::PersonalData:
        if (rule->types.isEmpty())
            return bad(QStringLiteral("a \"personal_data\" rule needs \"types\""));
        break;
    case D::Amount:
        if (rule->fields.isEmpty() || rule->thresholds.isEmpty())
            return bad(QStringLiteral("an \"amount\" rule needs \"fields\" and \"thresholds\""));
        break;
    case D::MailDelete:
        if (rule->thresholds.isEmpty() || rule->searchMessage.isEmpty())
            return bad(QStringLiteral(
                "a \"mail_delete\" rule needs \"thresholds\" and \"search_message\""));
        break;
    case D::ClaimedHints:
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
    case D::UnknownKind:
    case D::AclWidening:
    case D::AclGrants:
    case D::ViewMismatch:
        break;
    }
    return true;
}

namespace {
// All of a rule's patterns in one expression: most values match none.
void combinePatterns(Rule *rule)
{
    rule->anyPattern = FastRegex();
    if (rule->patterns.size() > 1) {
        QStringList parts;
        for (const FastRegex &re : std::as_const(rule->patterns))
            parts.append(QStringLiteral("(?:") + re.pattern() + QLatin1Char(')'));
        rule->anyPattern = FastRegex(parts.join(QLatin1Char('|')));
    }
}

// patterns_from: another rule's patterns added to the rule's own (shell.send-sensitive reads
// the paths of fs.sensitive-path).
bool addPatternsFrom(QList<Rule> *rules, QString *error)
{
    for (Rule &rule : *rules) {
        for (const QString &id : std::as_const(rule.patternsFrom)) {
            const auto from = std::find_if(rules->cbegin(), rules->cend(),
                                           [&id](const Rule &r) { return r.id == id; });
            if (from == rules->cend() || from->patterns.isEmpty()) {
                *error = QStringLiteral("rule '%1': \"patterns_from\" names '%2', which is not "
                                        "a rule with \"patterns\"")
                             .arg(rule.id, id);
                return false;
            }
            rule.patterns += from->patterns;
        }
        if (!rule.patternsFrom.isEmpty())
            combinePatterns(&rule);
    }
    return true;
}
} // namespace

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
    if (detector == detectors().constEnd()) {
        QStringList known = detectors().keys();
        known.sort();
        return bad(QStringLiteral("unknown detector \"%1\" (known: %2)")
                       .arg(o.value(QStringLiteral("detector")).toString(),
                            known.join(QStringLiteral(", "))));
    }
    rule->detector = *detector;
    rule->kinds = Rule::KindSet::from(strings(o.value(QStringLiteral("kinds"))));
    rule->message = o.value(QStringLiteral("message")).toString();
    if (rule->message.isEmpty())
        return bad(QStringLiteral("needs a \"message\""));
    const QJsonValue weight = o.value(QStringLiteral("weight"));
    const bool weightFromThresholds = rule->detector == Rule::Detector::Count ||
                                      rule->detector == Rule::Detector::CountMatching ||
                                      rule->detector == Rule::Detector::Amount ||
                                      rule->detector == Rule::Detector::MailDelete ||
                                      rule->detector == Rule::Detector::PersonalData;
    if (!(weightFromThresholds && weight.isUndefined()) && !isWeight(weight))
        return bad(QStringLiteral("\"weight\" must be a whole number from 0 to 100"));
    rule->weight = weight.toInt();
    rule->field = o.value(QStringLiteral("field")).toString();
    rule->fields = strings(o.value(QStringLiteral("fields")));
    rule->values = o.value(QStringLiteral("values")).toArray();
    QString problem;
    if (!readPatterns(o.value(QStringLiteral("patterns")), &rule->patterns, &problem) ||
        !readDetectorFields(o, rule, &problem))
        return bad(problem);
    combinePatterns(rule);
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
    for (const QString &d : strings(m_root.value(QStringLiteral("internal_domains"))))
        internalDomains->append(d.toLower());
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
    return addPatternsFrom(rules, error);
}

} // namespace interlock
