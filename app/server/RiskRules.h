#pragma once

#include "FastRegex.h"
#include "RiskEngine.h"
#include "core/HiddenText.h"

#include <QHash>
#include <QSet>
#include <QVarLengthArray>

namespace interlock {

// One rule of the rules file, validated.
struct RiskEngine::Rule {
    enum class Detector {
        Kind,
        UnknownKind,
        Equals,
        Regex,
        AclWidening,
        AclGrants,
        Count,
        CountMatching,
        ExternalEmail,
        ExternalUrl,
        Secret,
        HiddenText,
        ViewMismatch,
        PersonalData,
        Amount,
        MailDelete,
        ClaimedHints,
        SentFiles,
        WrittenFiles,
        EnvKeys,
        FlagsTrue,
        OtherFields,
        CopiedFiles,
        Typosquat,
        InstallSource
    };
    QString id;
    Detector detector = Detector::Kind;
    // Kinds as a rules file names them: exact ("email.send") or "payment.*" for every kind
    // starting "payment.".
    struct KindSet {
        QStringList exact;
        QStringList prefixes; // "payment."
        static KindSet from(const QStringList &names);
        bool isEmpty() const { return exact.isEmpty() && prefixes.isEmpty(); }
        bool contains(const QString &kind) const;
    };
    KindSet kinds; // empty: every kind
    int weight = 0;
    QString message;
    QString field;
    QStringList fields;
    QStringList fieldAndFields; // `field` (if any) then `fields`, made once when the file is read
    QList<FastRegex> patterns;
    QStringList patternNames; // regex: what each pattern finds, for {name} ("a private key")
    FastRegex anyPattern;     // all of `patterns` in one: most values match none
    QJsonArray values;
    QList<std::pair<qint64, int>> thresholds; // (at least N, weight), ascending
    bool onlyExternal = false; // only when the action sends to or connects outside the company
    // regex, mail_delete: `command` read without what it only mentions (CommandMentions:
    // grep 'rm -rf /')
    bool skipMentions = false;
    // only_if: the rule applies only when payload[onlyIfField], if present, is one of these
    QString onlyIfField;
    QJsonArray onlyIfValues;
    // regex: a value also matching one of these scores softenedWeight with softenedMessage
    QList<FastRegex> softenedBy;
    int softenedWeight = 0;
    QString softenedMessage;
    int broadWeight = 0;        // acl_widening: a second reason when the principal is broad
    bool broadOnly = false;     // acl_grants: only broad principals
    int minAccess = 0;          // acl_grants: read 0 < comment 1 < write 2 < admin 3 < owner 4
    bool onlyNew = false;       // acl_grants: only access the agent's grants_before did not have
    QList<HiddenClass> classes; // hidden_text
    QStringList strongFields;   // hidden_text: field paths where strongWeight applies
    int strongWeight = 0;
    int minCount = 0;             // hidden_text: one reason once this many are found
    int ipWeight = 0;             // external_url: a second reason for a literal IP address
    QStringList types;            // personal_data: contacts, ids, iban
    QString currencyField;        // amount
    KindSet withoutCurrencyKinds; // amount: kinds whose amounts need no currency
    QStringList patternsFrom;     // patterns_from: rules whose patterns are added to `patterns`
    int searchWeight = 0;         // mail_delete: a search or pattern selects the messages
    QString searchMessage;
    QJsonObject when;     // claimed_hints: hint -> the value that fires the rule
    QJsonObject defaults; // claimed_hints: the value of a hint the payload does not claim
    // typosquat: registry ("npm", "pypi") -> its popular names, also by length
    struct PopularNames {
        QSet<QString> names;
        QList<QStringList> byLength; // [length]: the names of that length
    };
    std::shared_ptr<const QHash<QString, PopularNames>> popular;
    QStringList trustedHosts; // install_source: registries that are no "source"

    bool appliesTo(const QString &kind) const;
    bool preconditionHolds(const QJsonObject &payload) const;
};

struct Finding {
    QString rule;
    int weight;
    QString message;
};

struct HiddenScan;
struct MailDeletion;
struct PackageInstall;
struct ShellCommand;
struct PersonalData;

// acl.change grants, read once per assessment (AclRisk.cpp).
struct AclGrant {
    QString principal;
    QString access;
    int rank = 2;   // read 0 < comment 1 < write 2 < admin 3 < owner 4
    QString before; // for a gained grant: what the agent says the principal had
};
struct AclFacts {
    QList<AclGrant> after;  // grants_after as it is
    QList<AclGrant> gained; // what grants_after gives beyond the agent's grants_before
    static AclFacts read(const QJsonObject &payload);
};

// One string of the payload, as read once per assessment.
struct PayloadLeaf {
    QString value;
    QString key;          // the object key it is stored under
    qsizetype top = 0;    // the index of its top-level key in RiskFacts::topKeys()
    qsizetype index = -1; // its index in a top-level array of strings, else -1
};

// Facts about one action that several rules need, each computed at most once, on demand.
class RiskFacts
{
public:
    RiskFacts(const RiskInput &input, const QStringList &internalDomains,
              const HiddenTextScanner &hidden);
    ~RiskFacts();

    const RiskInput &input() const { return m_input; }
    const QStringList &internalDomains() const { return m_internal; }
    // The payload as compact JSON, then summary, diff and changes: where secrets are searched.
    const QString &searchText();
    // Hosts outside the company the action sends to or connects to: e-mail recipients'
    // domains, an HTTP request's host, the hosts a shell command talks to, a payload `url`.
    const QStringList &outsideHosts();
    const HiddenScan &hidden();
    // `withoutMentions`: a shell command read without what it only mentions (CommandMentions).
    const MailDeletion &mailDeletion(bool withoutMentions = false);
    // Personal data in the payload's text (not counting recipients' own addresses).
    const PersonalData &personalData();
    // Every string of a payload field (`@target`: the action's target), read once.
    const QStringList &fieldStrings(const QString &field);
    // The same, with what a `command` only mentions left out (CommandMentions) before its forms
    // are made; other fields as fieldStrings().
    const QStringList &fieldStringsWithoutMentions(const QString &field);
    // Every string of the payload, in order (object keys sorted), read once; and whether the
    // payload's keys and strings are all plain printable ASCII.
    const QList<PayloadLeaf> &leaves();
    const QStringList &topKeys();
    bool payloadIsPlain();

    // A top-level recipient or URL field of the payload, parsed once: the addresses and their
    // domains (to, cc, bcc, from, reply_to, recipients) or the URL's host (url, host, remote…).
    struct HostField {
        QString path; // "payload.to[1]"
        QString key;
        QString value;
        QList<std::pair<QString, QString>> addresses; // (address, domain)
        QString host;
    };
    const QList<HostField> &hostFields();
    const AclFacts &acl();
    // The command line of a shell.exec (an array's words joined) as ShellCommands reads it, once.
    const QList<ShellCommand> &shellCommands();
    // The packages a shell command installs (PackageInstalls), read once.
    const QList<PackageInstall> &packageInstalls();
    // Whether `re` matches searchText(), remembered by pattern: rules sharing patterns search
    // once.
    bool searchTextMatches(const FastRegex &re);

private:
    const RiskInput &m_input;
    const QStringList &m_internal;
    const HiddenTextScanner &m_scanner;
    std::optional<QString> m_searchText;
    std::optional<QList<HostField>> m_hostFields;
    std::optional<AclFacts> m_acl;
    std::unique_ptr<QList<PackageInstall>> m_installs;
    std::unique_ptr<QList<ShellCommand>> m_shellCommands;
    QVarLengthArray<std::pair<QString, bool>, 8> m_searchTextMatches;
    QList<std::pair<qsizetype, qsizetype>> m_topRange; // leaves of each top key: [begin, end)
    std::optional<QStringList> m_outside;
    std::unique_ptr<HiddenScan> m_hidden;
    std::unique_ptr<MailDeletion> m_mail;
    std::unique_ptr<MailDeletion> m_mailWithoutMentions;
    std::unique_ptr<PersonalData> m_personal;
    QVarLengthArray<std::pair<QString, QStringList>, 8> m_fieldStrings;
    std::optional<QStringList> m_commandWithoutMentions;
    std::optional<QList<PayloadLeaf>> m_leaves;
    QStringList m_topKeys;
    bool m_plain = true;
};

struct DetectorContext {
    const RiskInput &input;
    const QStringList &knownKinds;
    const QStringList &internalDomains;
    const QList<QRegularExpression> &broad;
    RiskFacts &facts;
};

QList<Finding> detect(const RiskEngine::Rule &rule, DetectorContext &context);

// Detectors too large for RiskDetectors.cpp.
QList<Finding> detectAcl(const RiskEngine::Rule &rule, DetectorContext &context);
QList<Finding> detectHidden(const RiskEngine::Rule &rule, DetectorContext &context);
QList<Finding> detectAmount(const RiskEngine::Rule &rule, DetectorContext &context);
QList<Finding> detectInstall(const RiskEngine::Rule &rule, DetectorContext &context);

// Shared by the detectors: {name} placeholders from `vars`, then from the payload's top-level
// strings; every string of a JSON value (items of arrays and objects, recursively).
using MessageFacts = std::initializer_list<std::pair<QLatin1String, QString>>;
QString fillMessage(QString message, MessageFacts vars, const QJsonObject &payload);
QStringList allStrings(const QJsonValue &v);
bool valueEquals(const QJsonValue &want, const QJsonValue &v); // strings case-insensitively
int thresholdWeight(const QList<std::pair<qint64, int>> &thresholds, qint64 n);

// Reads and validates a rules file; errors name the rule (by id or position) and the field.
class RulesReader
{
public:
    // `listDir`: where a rule's named lists (typosquat's "popular") are looked for before the
    // built-in ones (":/risk").
    explicit RulesReader(const QJsonObject &root, const QString &listDir = {})
        : m_root(root)
        , m_listDir(listDir)
    {}
    bool read(QList<RiskEngine::Rule> *rules, RiskPolicy *policy, QStringList *internalDomains,
              QList<QRegularExpression> *broad, QString *error);

private:
    bool readRule(const QJsonValue &value, int index, RiskEngine::Rule *rule, QString *error);
    bool readDetectorFields(const QJsonObject &o, RiskEngine::Rule *rule, QString *error);
    bool readPolicy(RiskPolicy *policy, QString *error);
    bool readPopular(const QJsonValue &v, RiskEngine::Rule *rule, QString *error);
    QJsonObject m_root;
    QString m_listDir;
};

// Shell-style wildcard (only '*') to an anchored, case-insensitive expression; a lone "*" is the
// literal principal "*".
QRegularExpression wildcard(const QString &pattern);

} // namespace interlock
