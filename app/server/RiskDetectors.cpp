// The detectors the rules parameterise (docs/risk-rules.md), and the facts they share.
#include "Addresses.h"
#include "CommandMentions.h"
#include "HiddenTextScanner.h"
#include "MailDeletion.h"
#include "PackageInstalls.h"
#include "PayloadForms.h"
#include "PersonalData.h"
#include "RiskRules.h"
#include "SentFiles.h"
#include "SmallStringSet.h"
#include "WrittenFiles.h"
#include "core/ShellCommands.h"

#include <QJsonDocument>
#include <QSet>

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

// Whether any of the rule's patterns can match: one search instead of one per pattern.
bool mayMatch(const Rule &rule, const QString &value)
{
    return !rule.anyPattern.isValid() || rule.anyPattern.matches(value);
}

// The first value (as sent, then its normalised forms) matching with the rule's highest weight:
// a form that is softened never lowers what another value scores.
QList<Finding> regexFields(const Rule &rule, DetectorContext &c)
{
    if (rule.onlyExternal && c.facts.outsideHosts().isEmpty())
        return {};
    const int highest = qMax(rule.weight, rule.softenedBy.isEmpty() ? 0 : rule.softenedWeight);
    std::optional<Finding> best;
    for (const QString &field : rule.fields) {
        // (fieldStrings is cached per field: each rule naming the field shares it)
        const QStringList &values = rule.skipMentions ? c.facts.fieldStringsWithoutMentions(field)
                                                      : c.facts.fieldStrings(field);
        for (const QString &value : values) {
            if (value.isEmpty() || !mayMatch(rule, value))
                continue;
            for (qsizetype p = 0; p < rule.patterns.size(); ++p) {
                const FastRegex::Match m = rule.patterns[p].search(value);
                if (!m)
                    continue;
                bool softened = false;
                for (const FastRegex &soft : rule.softenedBy)
                    softened = softened || soft.matches(value);
                const int weight = softened ? rule.softenedWeight : rule.weight;
                if (best && best->weight >= weight)
                    break;
                const QString &message = softened && !rule.softenedMessage.isEmpty()
                                             ? rule.softenedMessage
                                             : rule.message;
                const QString hosts = message.contains(QLatin1String("{hosts}"))
                                          ? c.facts.outsideHosts().join(QStringLiteral(", "))
                                          : QString();
                // {name} first: a pattern's name may quote the {match}
                best =
                    Finding{rule.id, weight,
                            fillMessage(message,
                                        {{QLatin1String("name"), rule.patternNames.value(p)},
                                         {QLatin1String("match"), shorten(m.text(value).trimmed())},
                                         {QLatin1String("hosts"), hosts}},
                                        c.input.payload)};
                if (weight >= highest)
                    return {*best};
                break;
            }
        }
    }
    if (best)
        return {*best};
    return {};
}

QList<Finding> externalEmail(const Rule &rule, const DetectorContext &c)
{
    const QStringList &fields = rule.fieldAndFields;
    QStringList outside;
    SmallStringSet seen; // a list's contains() made 80,000 recipients take 40 s
    for (const RiskFacts::HostField &f : c.facts.hostFields()) {
        if (!fields.contains(f.key))
            continue;
        for (const auto &[address, domain] : f.addresses) {
            const QString shown = domain.isEmpty() ? shorten(address) : domain;
            if (!seen.contains(shown) && !Addresses::isInternalHost(domain, c.internalDomains)) {
                seen.insert(shown);
                outside.append(shown);
            }
        }
    }
    if (outside.isEmpty())
        return {};
    return {
        {rule.id, rule.weight,
         fillMessage(rule.message, {{QLatin1String("domains"), outside.join(QStringLiteral(", "))}},
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
         fillMessage(rule.message, {{QLatin1String("host"), host}}, c.input.payload)}};
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
                     {{QLatin1String("data"), p.describe(rule.types)},
                      {QLatin1String("hosts"), c.facts.outsideHosts().join(QStringLiteral(", "))}},
                     c.input.payload)}};
}

// The first file of `files` a pattern of the rule matches, as a finding ({path}, {tool}).
QList<Finding> matchingFile(const Rule &rule, DetectorContext &c, const QList<SentFile> &files)
{
    for (const SentFile &f : files) {
        for (const QString &p : SentFiles::spellings(f.path)) {
            if (!mayMatch(rule, p))
                continue;
            for (const FastRegex &re : rule.patterns) {
                if (re.matches(p))
                    return {{rule.id, rule.weight,
                             fillMessage(rule.message,
                                         {{QLatin1String("path"), shorten(f.path)},
                                          {QLatin1String("tool"), f.tool}},
                                         c.input.payload)}};
            }
        }
    }
    return {};
}

QList<Finding> writtenFiles(const Rule &rule, DetectorContext &c)
{
    // Most commands write nothing: no >, and none of the programs, in any form.
    static const FastRegex writers(QStringLiteral(
        ">|\\b(tee|chmod|chown|chgrp|chattr|setfacl|truncate|touch|shred|sed|perl|ruby|cp|mv|"
        "install|ln|rsync|dd|crontab)\\b"));
    const QStringList &forms = c.facts.fieldStrings(QStringLiteral("command"));
    if (std::none_of(forms.begin(), forms.end(),
                     [](const QString &s) { return writers.matches(s); }))
        return {};
    return matchingFile(rule, c, WrittenFiles::inCommand(c.facts.shellCommands()));
}

// Names set in an environment object of the payload (shell.exec `env`) that change what a
// program runs: {names}.
QList<Finding> envKeys(const Rule &rule, const DetectorContext &c)
{
    QStringList names;
    for (const QString &field : rule.fields) {
        const QJsonObject env = c.input.payload.value(field).toObject();
        for (auto it = env.constBegin(); it != env.constEnd() && names.size() < 8; ++it) {
            if (std::any_of(rule.patterns.begin(), rule.patterns.end(),
                            [&it](const FastRegex &re) { return re.matches(it.key()); }))
                names.append(it.key());
        }
    }
    if (names.isEmpty())
        return {};
    return {{rule.id, rule.weight,
             fillMessage(rule.message, {{QLatin1String("names"), names.join(QStringLiteral(", "))}},
                         c.input.payload)}};
}

// Payload fields set (`elevated`, `sandbox_disabled`): {fields}. Whatever runs it may read any
// value but false, null, 0 or "" as set ("yes", "false" and 1 switch a JavaScript flag on).
QList<Finding> flagsTrue(const Rule &rule, const DetectorContext &c)
{
    QStringList set;
    for (const QString &field : rule.fields) {
        const QJsonValue v = c.input.payload.value(field);
        const bool off = v.isUndefined() || v.isNull() || v == QJsonValue(false) ||
                         (v.isDouble() && v.toDouble() == 0) || v == QJsonValue(QString());
        if (!off)
            set.append(field);
    }
    if (set.isEmpty())
        return {};
    return {{rule.id, rule.weight,
             fillMessage(rule.message, {{QLatin1String("fields"), set.join(QStringLiteral(", "))}},
                         c.input.payload)}};
}

// Top-level payload fields other than the rule's known `fields`: what runs it may honour them,
// and nothing here knows what they do: {fields}.
QList<Finding> otherFields(const Rule &rule, const DetectorContext &c)
{
    QStringList other;
    for (auto it = c.input.payload.constBegin(); it != c.input.payload.constEnd(); ++it) {
        if (!rule.fields.contains(it.key()) && other.size() < 8)
            other.append(shorten(it.key()));
    }
    if (other.isEmpty())
        return {};
    return {
        {rule.id, rule.weight,
         fillMessage(rule.message, {{QLatin1String("fields"), other.join(QStringLiteral(", "))}},
                     c.input.payload)}};
}

QList<Finding> sentFiles(const Rule &rule, DetectorContext &c)
{
    // Most commands name none of the tools, in any of their forms: not read again.
    static const FastRegex tools(
        QStringLiteral("\\b(scp|rsync|nc|ncat|netcat|socat|telnet|ssh|curl|wget)\\b"));
    const QStringList &forms = c.facts.fieldStrings(QStringLiteral("command"));
    if (std::none_of(forms.begin(), forms.end(), [](const QString &s) { return tools.matches(s); }))
        return {};
    return matchingFile(rule, c, SentFiles::inCommand(c.facts.shellCommands()));
}

bool matchesRule(const Rule &rule, const QString &path)
{
    for (const QString &p : SentFiles::spellings(path)) {
        if (mayMatch(rule, p) && std::any_of(rule.patterns.begin(), rule.patterns.end(),
                                             [&p](const FastRegex &re) { return re.matches(p); }))
            return true;
    }
    return false;
}

// A credential file copied to another local file that is not one itself: {path}, {to}, {tool}.
QList<Finding> copiedFiles(const Rule &rule, DetectorContext &c)
{
    static const FastRegex copiers(
        QStringLiteral(">|\\b(tee|cp|mv|install|ln|rsync|dd|tar|zip|7z|7za|7zz|openssl)\\b"));
    const QStringList &forms = c.facts.fieldStrings(QStringLiteral("command"));
    if (std::none_of(forms.begin(), forms.end(),
                     [](const QString &s) { return copiers.matches(s); }))
        return {};
    for (const WrittenFiles::Copy &copy : WrittenFiles::copies(c.facts.shellCommands())) {
        if (matchesRule(rule, copy.path) && !matchesRule(rule, copy.to))
            return {{rule.id, rule.weight,
                     fillMessage(rule.message,
                                 {{QLatin1String("path"), shorten(copy.path)},
                                  {QLatin1String("to"), shorten(copy.to)},
                                  {QLatin1String("tool"), copy.tool}},
                                 c.input.payload)}};
    }
    return {};
}

QList<Finding> mailDelete(const Rule &rule, DetectorContext &c)
{
    const MailDeletion &d = c.facts.mailDeletion(rule.skipMentions);
    if (!d.found)
        return {};
    int weight = thresholdWeight(rule.thresholds, d.count);
    if (d.bySearch)
        weight = qMax(weight, rule.searchWeight);
    if (weight == 0)
        return {};
    return {{rule.id, weight,
             fillMessage(d.bySearch ? rule.searchMessage : rule.message,
                         {{QLatin1String("count"), QString::number(d.count)},
                          {QLatin1String("tool"), d.tool},
                          {QLatin1String("selection"), d.selection}},
                         c.input.payload)}};
}

// Items however the list is written (PayloadForms::items): an array, nested arrays, an object,
// or one string of them.
QList<Finding> countItems(const Rule &rule, const DetectorContext &c)
{
    const QJsonValue list = c.input.payload.value(rule.field);
    qint64 n = 0;
    if (rule.detector == Rule::Detector::CountMatching) {
        const auto matches = [&rule](const QString &s) {
            return mayMatch(rule, s) &&
                   std::any_of(rule.patterns.begin(), rule.patterns.end(),
                               [&s](const FastRegex &re) { return re.matches(s); });
        };
        for (const QString &item : PayloadForms::items(list)) {
            const QString path = PayloadForms::lexicalPath(item);
            n += matches(item) || (path != item && matches(path));
        }
    } else {
        n = PayloadForms::itemCount(list);
    }
    const int weight = thresholdWeight(rule.thresholds, n);
    if (weight == 0)
        return {};
    return {{rule.id, weight,
             fillMessage(rule.message, {{QLatin1String("count"), QString::number(n)}},
                         c.input.payload)}};
}

// Hints an untrusted party claims about an action (an MCP server's tool annotations): a hint it
// does not claim takes the rule's default, so saying nothing never scores lower than the worst.
QList<Finding> claimedHints(const Rule &rule, const DetectorContext &c)
{
    const QJsonObject claimed = c.input.payload.value(rule.field).toObject();
    const auto word = [](bool b) { return b ? QStringLiteral("true") : QStringLiteral("false"); };
    QStringList facts;
    for (auto it = rule.when.begin(); it != rule.when.end(); ++it) {
        const QJsonValue own = claimed.value(it.key());
        const bool isClaimed = own.isBool();
        const QJsonValue value = isClaimed ? own : rule.defaults.value(it.key());
        if (value != it.value())
            return {};
        facts.append(isClaimed ? QStringLiteral("%1 claimed %2").arg(it.key(), word(own.toBool()))
                               : QStringLiteral("%1 not claimed, taken as %2")
                                     .arg(it.key(), word(value.toBool())));
    }
    return {
        {rule.id, rule.weight,
         fillMessage(rule.message, {{QLatin1String("claims"), facts.join(QStringLiteral(", "))}},
                     c.input.payload)}};
}
} // namespace

RiskFacts::RiskFacts(const RiskInput &input, const QStringList &internalDomains,
                     const HiddenTextScanner &hidden)
    : m_input(input)
    , m_internal(internalDomains)
    , m_scanner(hidden)
{}

bool RiskFacts::searchTextMatches(const FastRegex &re)
{
    for (const auto &[pattern, matched] : m_searchTextMatches) {
        if (pattern == re.pattern())
            return matched;
    }
    const bool matched = re.matches(searchText());
    m_searchTextMatches.append({re.pattern(), matched});
    return matched;
}

const QList<PackageInstall> &RiskFacts::packageInstalls()
{
    if (!m_installs) {
        // Most commands name no package tool: not read again.
        static const FastRegex tools(QStringLiteral(
            "\\b(npm|npx|pnpm|pnpx|yarn|bun|bunx|m?pip[0-9.]*|uv|uvx|pipx|poetry|pipenv|"
            "easy_install)\\b"));
        m_installs = std::make_unique<QList<PackageInstall>>();
        const QStringList &forms = m_input.kind == QLatin1String("shell.exec")
                                       ? fieldStrings(QStringLiteral("command"))
                                       : QStringList();
        if (std::any_of(forms.begin(), forms.end(),
                        [](const QString &s) { return tools.matches(s); }))
            *m_installs = PackageInstalls::inCommand(shellCommands());
    }
    return *m_installs;
}

const QList<ShellCommand> &RiskFacts::shellCommands()
{
    if (!m_shellCommands) {
        const QJsonValue command = m_input.payload.value(QStringLiteral("command"));
        m_shellCommands = std::make_unique<QList<ShellCommand>>(ShellCommands::read(
            command.isArray() ? allStrings(command).join(QLatin1Char(' ')) : command.toString()));
    }
    return *m_shellCommands;
}

const AclFacts &RiskFacts::acl()
{
    if (!m_acl)
        m_acl = AclFacts::read(m_input.payload);
    return *m_acl;
}

const QList<RiskFacts::HostField> &RiskFacts::hostFields()
{
    if (m_hostFields)
        return *m_hostFields;
    m_hostFields.emplace();
    leaves();
    for (qsizetype t = 0; t < m_topKeys.size(); ++t) {
        const QString &top = m_topKeys[t];
        if (!HiddenTextScanner::PlainPayload::isHostKey(top))
            continue;
        for (qsizetype i = m_topRange[t].first; i < m_topRange[t].second; ++i) {
            const PayloadLeaf &leaf = (*m_leaves)[i];
            if (leaf.key != top)
                continue;
            HostField f;
            f.path = QStringLiteral("payload.") + top;
            if (leaf.index >= 0)
                f.path += QLatin1Char('[') + QString::number(leaf.index) + QLatin1Char(']');
            f.key = top;
            f.value = leaf.value;
            if (HiddenTextScanner::PlainPayload::isRecipientKey(top)) {
                for (const QString &address : Addresses::recipients(leaf.value))
                    f.addresses.append({address, Addresses::domainOf(address)});
            } else {
                f.host = Addresses::urlHost(leaf.value);
            }
            m_hostFields->append(f);
        }
    }
    return *m_hostFields;
}

RiskFacts::~RiskFacts() = default;

namespace {
// Nothing HiddenText would find (a run of blanks pushing a tail away included).
bool isPlainText(QStringView t, bool multiLine)
{
    return HiddenText::isPlainAscii(t, multiLine ? HiddenText::Lines::Multi
                                                 : HiddenText::Lines::Single);
}

void flatten(const QJsonValue &v, const QString &key, qsizetype top, qsizetype index,
             QList<PayloadLeaf> *out, bool *plain)
{
    if (v.isString()) {
        QString s = v.toString();
        *plain = *plain && isPlainText(s, true);
        out->append(PayloadLeaf{std::move(s), key, top, index});
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        const qsizetype n = a.size();
        out->reserve(out->size() + n);
        for (qsizetype i = 0; i < n; ++i)
            flatten(a.at(i), key, top, index == -2 ? i : -1, out, plain);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            const QString k = it.key();
            *plain = *plain && isPlainText(k, false);
            flatten(it.value(), k, top, -1, out, plain);
        }
    }
}
} // namespace

const QList<PayloadLeaf> &RiskFacts::leaves()
{
    if (!m_leaves) {
        m_leaves.emplace();
        const QJsonObject &p = m_input.payload;
        m_leaves->reserve(p.size() + 8);
        m_topKeys.reserve(p.size());
        for (auto it = p.constBegin(); it != p.constEnd(); ++it) {
            const QString key = it.key();
            m_plain = m_plain && isPlainText(key, false);
            m_topKeys.append(key);
            const qsizetype begin = m_leaves->size();
            // -2: the direct items of a top-level array get their index
            flatten(it.value(), key, m_topKeys.size() - 1, -2, &*m_leaves, &m_plain);
            m_topRange.append({begin, m_leaves->size()});
        }
        for (PayloadLeaf &leaf : *m_leaves) {
            if (leaf.index == -2)
                leaf.index = -1;
        }
    }
    return *m_leaves;
}

const QStringList &RiskFacts::topKeys()
{
    leaves();
    return m_topKeys;
}

bool RiskFacts::payloadIsPlain()
{
    leaves();
    return m_plain;
}

const QStringList &RiskFacts::fieldStrings(const QString &field)
{
    for (const auto &[name, strings] : m_fieldStrings) {
        if (name == field)
            return strings;
    }
    static const QStringList none;
    QStringList strings;
    if (field == QLatin1String("@target")) {
        strings.append(m_input.target);
    } else {
        const qsizetype top = topKeys().indexOf(field);
        if (top < 0)
            return none;
        const auto [begin, end] = m_topRange[top];
        strings.reserve(end - begin);
        for (qsizetype i = begin; i < end; ++i)
            strings.append((*m_leaves)[i].value);
        // Then the values' normalised forms (PayloadForms): what they mean, however spelled.
        for (qsizetype i = begin; i < end; ++i)
            strings += PayloadForms::of(field, (*m_leaves)[i].value);
    }
    m_fieldStrings.append({field, strings});
    return m_fieldStrings.last().second;
}

const QStringList &RiskFacts::fieldStringsWithoutMentions(const QString &field)
{
    static const QString command = QStringLiteral("command");
    if (field != command)
        return fieldStrings(field);
    if (m_commandWithoutMentions)
        return *m_commandWithoutMentions;
    const QStringList &all = fieldStrings(command); // the leaves, read
    const qsizetype top = topKeys().indexOf(command);
    QStringList values;
    bool mentions = false;
    if (top >= 0) {
        const auto [begin, end] = m_topRange[top];
        for (qsizetype i = begin; i < end; ++i) {
            values.append(CommandMentions::withoutMentions((*m_leaves)[i].value));
            mentions = mentions || values.last() != (*m_leaves)[i].value;
        }
    }
    if (!mentions) {
        m_commandWithoutMentions = all; // (shared, not copied)
    } else {
        QStringList strings = values;
        for (const QString &v : std::as_const(values))
            strings += PayloadForms::of(command, v);
        m_commandWithoutMentions = std::move(strings);
    }
    return *m_commandWithoutMentions;
}

// "key: value" per string of the payload (nested ones too), each on its own line: a secret is
// found in the text as it will be used, not JSON-escaped, and next to the name it is stored
// under.
const QString &RiskFacts::searchText()
{
    if (!m_searchText) {
        // Every secret pattern needs at least six characters of value: shorter strings (ids,
        // flags) are left out.
        qsizetype size = m_input.text.size();
        for (const PayloadLeaf &leaf : leaves())
            size += leaf.value.size() >= 6 ? leaf.key.size() + leaf.value.size() + 3 : 0;
        QString text;
        text.reserve(size);
        for (const PayloadLeaf &leaf : leaves()) {
            if (leaf.value.size() < 6)
                continue;
            text += leaf.key;
            text += QLatin1String(": ");
            text += leaf.value;
            text += QLatin1Char('\n');
        }
        text += m_input.text;
        m_searchText = std::move(text);
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
        for (const HostField &f : hostFields()) {
            if (std::find(std::begin(kRecipientKeys), std::end(kRecipientKeys), f.key) ==
                std::end(kRecipientKeys))
                continue;
            for (const auto &[address, domain] : f.addresses)
                hosts.append(domain);
        }
    } else if (m_input.kind == QLatin1String("shell.exec")) {
        hosts = Addresses::hostsInCommand(p.value(QStringLiteral("command")).toString());
    } else {
        for (const HostField &f : hostFields()) {
            if (f.key == QLatin1String("url"))
                hosts.append(f.host);
        }
    }
    m_outside = QStringList();
    SmallStringSet seen;
    for (const QString &h : std::as_const(hosts)) {
        if (!seen.contains(h) && !Addresses::isInternalHost(h, m_internal)) {
            seen.insert(h);
            m_outside->append(h);
        }
    }
    return *m_outside;
}

const HiddenScan &RiskFacts::hidden()
{
    if (!m_hidden) {
        if (payloadIsPlain()) {
            HiddenTextScanner::PlainPayload plain;
            for (const HostField &f : hostFields()) {
                QStringList hosts;
                for (const auto &[address, domain] : f.addresses)
                    hosts.append(domain);
                if (!f.host.isEmpty())
                    hosts.append(f.host);
                plain.hostFields.append({f.path, f.key, f.value, hosts});
            }
            m_hidden = std::make_unique<HiddenScan>(m_scanner.scan(m_input, &plain));
        } else {
            m_hidden = std::make_unique<HiddenScan>(m_scanner.scan(m_input));
        }
    }
    return *m_hidden;
}

const MailDeletion &RiskFacts::mailDeletion(bool withoutMentions)
{
    if (withoutMentions && m_input.kind == QLatin1String("shell.exec")) {
        if (!m_mailWithoutMentions) {
            const QString command = m_input.payload.value(QStringLiteral("command")).toString();
            const QString left = CommandMentions::withoutMentions(command);
            if (left == command)
                return mailDeletion(false);
            m_mailWithoutMentions = std::make_unique<MailDeletion>(MailDeletion::fromCommand(left));
        }
        return *m_mailWithoutMentions;
    }
    if (!m_mail)
        m_mail =
            std::make_unique<MailDeletion>(MailDeletion::fromAction(m_input.kind, m_input.payload));
    return *m_mail;
}

const PersonalData &RiskFacts::personalData()
{
    if (!m_personal) {
        // The strings already read for leaves(), in the same order as allStrings() gives them.
        QStringList texts, recipients;
        leaves();
        texts.reserve(m_leaves->size());
        for (qsizetype t = 0; t < m_topKeys.size(); ++t) {
            const bool recipientKey =
                std::find(std::begin(kRecipientKeys), std::end(kRecipientKeys), m_topKeys[t]) !=
                std::end(kRecipientKeys);
            for (qsizetype i = m_topRange[t].first; i < m_topRange[t].second; ++i) {
                const QString &s = (*m_leaves)[i].value;
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
        for (const QString &field : rule.fieldAndFields) {
            const auto found = payload.constFind(field);
            if (found == payload.constEnd())
                continue;
            for (const QJsonValue &want : rule.values) {
                if (valueEquals(want, *found))
                    return {{rule.id, rule.weight,
                             fillMessage(rule.message,
                                         {{QLatin1String("value"), jsonText(*found)},
                                          {QLatin1String("field"), field}},
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
        const FastRegex &any = rule.anyPattern.isValid() ? rule.anyPattern : rule.patterns.first();
        if (c.facts.searchTextMatches(any))
            return {{rule.id, rule.weight, rule.message}};
        return {};
    }
    case Rule::Detector::HiddenText:
        return detectHidden(rule, c);
    case Rule::Detector::ViewMismatch:
        if (c.input.view.status != ViewCheck::Status::Mismatch)
            return {};
        return {{rule.id, rule.weight,
                 fillMessage(rule.message,
                             {{QLatin1String("paths"),
                               shorten(c.input.view.paths.join(QStringLiteral(", ")))}},
                             payload)}};
    case Rule::Detector::PersonalData:
        return personalData(rule, c);
    case Rule::Detector::Amount:
        return detectAmount(rule, c);
    case Rule::Detector::MailDelete:
        return mailDelete(rule, c);
    case Rule::Detector::ClaimedHints:
        return claimedHints(rule, c);
    case Rule::Detector::SentFiles:
        return sentFiles(rule, c);
    case Rule::Detector::WrittenFiles:
        return writtenFiles(rule, c);
    case Rule::Detector::EnvKeys:
        return envKeys(rule, c);
    case Rule::Detector::FlagsTrue:
        return flagsTrue(rule, c);
    case Rule::Detector::OtherFields:
        return otherFields(rule, c);
    case Rule::Detector::CopiedFiles:
        return copiedFiles(rule, c);
    case Rule::Detector::Typosquat:
    case Rule::Detector::InstallSource:
        return detectInstall(rule, c);
    }
    return {};
}

} // namespace interlock
