// The detectors the rules parameterise (docs/risk-rules.md), and the facts they share.
#include "Addresses.h"
#include "HiddenTextScanner.h"
#include "MailDeletion.h"
#include "PersonalData.h"
#include "RiskRules.h"

#include <QJsonDocument>
#include <QLocale>
#include <cmath>

namespace interlock {

namespace {
using Rule = RiskEngine::Rule;

const QString kRecipientKeys[] = {QStringLiteral("to"), QStringLiteral("cc"), QStringLiteral("bcc"),
                                  QStringLiteral("reply_to")};

QString shorten(const QString &s)
{
    const QString one = s.simplified();
    return one.size() > 80 ? one.left(79) + QChar(0x2026) : one;
}

QString jsonText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

QStringList fieldValues(const DetectorContext &c, const QString &field)
{
    if (field == QLatin1String("@target"))
        return {c.input.target};
    return allStrings(c.input.payload.value(field));
}

QList<Finding> regexFields(const Rule &rule, DetectorContext &c)
{
    if (rule.onlyExternal && c.facts.outsideHosts().isEmpty())
        return {};
    for (const QString &field : rule.fields) {
        for (const QString &value : fieldValues(c, field)) {
            for (const QRegularExpression &re : rule.patterns) {
                const QRegularExpressionMatch m = re.match(value);
                if (!m.hasMatch())
                    continue;
                bool softened = false;
                for (const QRegularExpression &soft : rule.softenedBy)
                    softened = softened || soft.match(value).hasMatch();
                const QHash<QString, QString> vars{
                    {QStringLiteral("match"), shorten(m.captured(0).trimmed())},
                    {QStringLiteral("hosts"), c.facts.outsideHosts().join(QStringLiteral(", "))}};
                if (softened)
                    return {{rule.id, rule.softenedWeight,
                             fillMessage(rule.softenedMessage.isEmpty() ? rule.message
                                                                        : rule.softenedMessage,
                                         vars, c.input.payload)}};
                return {{rule.id, rule.weight, fillMessage(rule.message, vars, c.input.payload)}};
            }
        }
    }
    return {};
}

QList<Finding> externalEmail(const Rule &rule, const DetectorContext &c)
{
    QStringList fields = rule.fields;
    if (!rule.field.isEmpty())
        fields.prepend(rule.field);
    QStringList outside;
    for (const QString &field : std::as_const(fields)) {
        for (const QString &list : allStrings(c.input.payload.value(field))) {
            for (const QString &address : Addresses::recipients(list)) {
                const QString domain = Addresses::domainOf(address);
                if (!Addresses::isInternalHost(domain, c.internalDomains) &&
                    !outside.contains(domain))
                    outside.append(domain.isEmpty() ? shorten(address) : domain);
            }
        }
    }
    if (outside.isEmpty())
        return {};
    return {{rule.id, rule.weight,
             fillMessage(rule.message,
                         {{QStringLiteral("domains"), outside.join(QStringLiteral(", "))}},
                         c.input.payload)}};
}

QList<Finding> externalUrl(const Rule &rule, const DetectorContext &c)
{
    const QString host = Addresses::urlHost(
        c.input.payload.value(rule.field.isEmpty() ? rule.fields.value(0) : rule.field).toString());
    if (Addresses::isInternalHost(host, c.internalDomains))
        return {};
    QList<Finding> out{
        {rule.id, rule.weight,
         fillMessage(rule.message, {{QStringLiteral("host"), host}}, c.input.payload)}};
    if (rule.ipWeight > 0 && Addresses::isIpLiteral(host))
        out.append({rule.id + QStringLiteral(".ip"), rule.ipWeight,
                    QStringLiteral("%1 is a bare IP address: no name says whose machine it is")
                        .arg(host)});
    return out;
}

QList<Finding> personalData(const Rule &rule, DetectorContext &c)
{
    if (c.facts.outsideHosts().isEmpty())
        return {};
    const PersonalData &p = c.facts.personalData();
    int weight = 0;
    if (rule.types.contains(QLatin1String("contacts")))
        weight = qMax(weight, thresholdWeight(rule.thresholds, p.contacts()));
    if (rule.types.contains(QLatin1String("ids")) && p.nationalIds + p.cards > 0)
        weight = qMax(weight, rule.weight);
    if (rule.types.contains(QLatin1String("iban")) && p.ibans > 0)
        weight = qMax(weight, rule.weight);
    if (weight == 0)
        return {};
    return {
        {rule.id, weight,
         fillMessage(rule.message,
                     {{QStringLiteral("data"), p.describe(rule.types)},
                      {QStringLiteral("hosts"), c.facts.outsideHosts().join(QStringLiteral(", "))}},
                     c.input.payload)}};
}

// 12500, "12,500.00", "12.500,00", "USD 9,800": the number; nan if none.
double parseAmount(const QJsonValue &v, QString *currencyInText)
{
    if (v.isDouble())
        return v.toDouble();
    QString s = v.toString().trimmed();
    static const QRegularExpression code(QStringLiteral("\\b([A-Z]{3})\\b"));
    if (const QRegularExpressionMatch m = code.match(s); m.hasMatch()) {
        *currencyInText = m.captured(1);
        s.remove(m.capturedStart(1), 3);
    }
    s.remove(QRegularExpression(QStringLiteral("[^0-9.,-]")));
    const qsizetype dot = s.lastIndexOf(u'.'), comma = s.lastIndexOf(u',');
    if (dot >= 0 && comma >= 0) {
        const QChar decimal = dot > comma ? u'.' : u',';
        s.remove(decimal == u'.' ? u',' : u'.');
        s.replace(u',', u'.');
    } else if (comma >= 0) {
        // "12,500" is twelve thousand five hundred; "12,5" is twelve and a half.
        if (s.size() - comma - 1 == 3)
            s.remove(u',');
        else
            s.replace(u',', u'.');
    }
    bool ok = false;
    const double d = s.toDouble(&ok);
    return ok ? d : std::nan("");
}

QList<Finding> amount(const Rule &rule, const DetectorContext &c)
{
    for (const QString &field : rule.fields) {
        const QJsonValue v = c.input.payload.value(field);
        if (!v.isDouble() && !v.isString())
            continue;
        QString currency = c.input.payload.value(rule.currencyField).toString().toUpper();
        const double value = parseAmount(v, &currency);
        if (std::isnan(value) || currency.isEmpty())
            continue;
        const int weight = thresholdWeight(rule.thresholds, qint64(std::abs(value)));
        if (weight == 0)
            return {};
        const QLocale english(QLocale::English, QLocale::UnitedStates);
        return {{rule.id, weight,
                 fillMessage(rule.message,
                             {{QStringLiteral("amount"),
                               english.toString(value, 'f', value == std::floor(value) ? 0 : 2)},
                              {QStringLiteral("currency"), currency}},
                             c.input.payload)}};
    }
    return {};
}

QList<Finding> mailDelete(const Rule &rule, DetectorContext &c)
{
    const MailDeletion &d = c.facts.mailDeletion();
    if (!d.found)
        return {};
    int weight = thresholdWeight(rule.thresholds, d.count);
    if (d.bySearch)
        weight = qMax(weight, rule.searchWeight);
    if (weight == 0)
        return {};
    const QHash<QString, QString> vars{{QStringLiteral("count"), QString::number(d.count)},
                                       {QStringLiteral("tool"), d.tool},
                                       {QStringLiteral("selection"), d.selection}};
    return {{rule.id, weight,
             fillMessage(d.bySearch ? rule.searchMessage : rule.message, vars, c.input.payload)}};
}

QList<Finding> countItems(const Rule &rule, const DetectorContext &c)
{
    const QJsonArray items = c.input.payload.value(rule.field).toArray();
    qint64 n = items.size();
    if (rule.detector == Rule::Detector::CountMatching) {
        n = 0;
        for (const QJsonValue &item : items) {
            const QString s = item.toString();
            for (const QRegularExpression &re : rule.patterns) {
                if (re.match(s).hasMatch()) {
                    ++n;
                    break;
                }
            }
        }
    }
    const int weight = thresholdWeight(rule.thresholds, n);
    if (weight == 0)
        return {};
    return {{rule.id, weight,
             fillMessage(rule.message, {{QStringLiteral("count"), QString::number(n)}},
                         c.input.payload)}};
}
} // namespace

RiskFacts::RiskFacts(const RiskInput &input, const QStringList &internalDomains,
                     const HiddenTextScanner &hidden)
    : m_input(input)
    , m_internal(internalDomains)
    , m_scanner(hidden)
{}

RiskFacts::~RiskFacts() = default;

namespace {
// "key: value" per string of the payload (nested ones too), each on its own line: a secret is
// found in the text as it will be used, not JSON-escaped, and next to the name it is stored under.
void appendLeaves(const QJsonValue &v, const QString &key, QString *out)
{
    if (v.isString()) {
        *out += key + QStringLiteral(": ") + v.toString() + QLatin1Char('\n');
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            appendLeaves(item, key, out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            appendLeaves(it.value(), it.key(), out);
    }
}
} // namespace

const QString &RiskFacts::searchText()
{
    if (!m_searchText) {
        QString text;
        appendLeaves(m_input.payload, QString(), &text);
        text += m_input.text;
        m_searchText = text;
    }
    return *m_searchText;
}

const QStringList &RiskFacts::outsideHosts()
{
    if (m_outside)
        return *m_outside;
    QStringList hosts;
    const QJsonObject &p = m_input.payload;
    if (m_input.kind == QLatin1String("email.send")) {
        for (const QString &key : kRecipientKeys) {
            for (const QString &list : allStrings(p.value(key))) {
                for (const QString &r : Addresses::recipients(list))
                    hosts.append(Addresses::domainOf(r));
            }
        }
    } else if (m_input.kind == QLatin1String("shell.exec")) {
        hosts = Addresses::hostsInCommand(p.value(QStringLiteral("command")).toString());
    } else if (p.value(QStringLiteral("url")).isString()) {
        hosts.append(Addresses::urlHost(p.value(QStringLiteral("url")).toString()));
    }
    m_outside = QStringList();
    for (const QString &h : std::as_const(hosts)) {
        if (!Addresses::isInternalHost(h, m_internal) && !m_outside->contains(h))
            m_outside->append(h);
    }
    return *m_outside;
}

const HiddenScan &RiskFacts::hidden()
{
    if (!m_hidden)
        m_hidden = std::make_unique<HiddenScan>(m_scanner.scan(m_input));
    return *m_hidden;
}

const MailDeletion &RiskFacts::mailDeletion()
{
    if (!m_mail)
        m_mail =
            std::make_unique<MailDeletion>(MailDeletion::fromAction(m_input.kind, m_input.payload));
    return *m_mail;
}

const PersonalData &RiskFacts::personalData()
{
    if (!m_personal) {
        QStringList texts, recipients;
        for (auto it = m_input.payload.constBegin(); it != m_input.payload.constEnd(); ++it) {
            const bool recipientKey =
                std::find(std::begin(kRecipientKeys), std::end(kRecipientKeys), it.key()) !=
                std::end(kRecipientKeys);
            for (const QString &s : allStrings(it.value())) {
                if (recipientKey)
                    recipients += Addresses::recipients(s);
                else
                    texts.append(s);
            }
        }
        m_personal = std::make_unique<PersonalData>(PersonalData::find(texts, recipients));
    }
    return *m_personal;
}

QList<Finding> detect(const Rule &rule, DetectorContext &c)
{
    const QJsonObject &payload = c.input.payload;
    switch (rule.detector) {
    case Rule::Detector::Kind:
        return {{rule.id, rule.weight, c.input.kind + QLatin1Char(' ') + rule.message}};
    case Rule::Detector::UnknownKind:
        for (const QString &known : c.knownKinds) {
            if (known == c.input.kind ||
                (known.endsWith(QLatin1Char('.')) && c.input.kind.startsWith(known)))
                return {};
        }
        return {{rule.id, rule.weight, QStringLiteral("'%1' %2").arg(c.input.kind, rule.message)}};
    case Rule::Detector::Equals: {
        QStringList fields = rule.fields;
        if (!rule.field.isEmpty())
            fields.prepend(rule.field);
        for (const QString &field : std::as_const(fields)) {
            const auto found = payload.constFind(field);
            if (found == payload.constEnd())
                continue;
            for (const QJsonValue &want : rule.values) {
                if (valueEquals(want, *found))
                    return {{rule.id, rule.weight,
                             fillMessage(rule.message,
                                         {{QStringLiteral("value"), jsonText(*found)},
                                          {QStringLiteral("field"), field}},
                                         payload)}};
            }
        }
        return {};
    }
    case Rule::Detector::Regex:
        return regexFields(rule, c);
    case Rule::Detector::AclWidening:
    case Rule::Detector::AclGrants:
        return detectAcl(rule, c);
    case Rule::Detector::Count:
    case Rule::Detector::CountMatching:
        return countItems(rule, c);
    case Rule::Detector::ExternalEmail:
        return externalEmail(rule, c);
    case Rule::Detector::ExternalUrl:
        return externalUrl(rule, c);
    case Rule::Detector::Secret: {
        // The secret itself never goes into the message: the reason is shown to every reviewer.
        const QString &haystack = c.facts.searchText();
        for (const QRegularExpression &re : rule.patterns) {
            if (re.match(haystack).hasMatch())
                return {{rule.id, rule.weight, rule.message}};
        }
        return {};
    }
    case Rule::Detector::HiddenText:
        return detectHidden(rule, c);
    case Rule::Detector::ViewMismatch:
        if (c.input.view.status != ViewCheck::Status::Mismatch)
            return {};
        return {{rule.id, rule.weight,
                 fillMessage(rule.message,
                             {{QStringLiteral("paths"),
                               shorten(c.input.view.paths.join(QStringLiteral(", ")))}},
                             payload)}};
    case Rule::Detector::PersonalData:
        return personalData(rule, c);
    case Rule::Detector::Amount:
        return amount(rule, c);
    case Rule::Detector::MailDelete:
        return mailDelete(rule, c);
    }
    return {};
}

} // namespace interlock
