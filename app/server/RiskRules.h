#pragma once

#include "RiskEngine.h"
#include "core/HiddenText.h"

#include <QHash>

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
        MailDelete
    };
    QString id;
    Detector detector = Detector::Kind;
    QStringList kinds;        // empty: every kind
    QStringList kindPrefixes; // "payment.*" in kinds: every kind starting "payment."
    int weight = 0;
    QString message;
    QString field;
    QStringList fields;
    QList<QRegularExpression> patterns;
    QJsonArray values;
    QList<std::pair<qint64, int>> thresholds; // (at least N, weight), ascending
    bool onlyExternal = false; // only when the action sends to or connects outside the company
    // only_if: the rule applies only when payload[onlyIfField], if present, is one of these
    QString onlyIfField;
    QJsonArray onlyIfValues;
    // regex: a value also matching one of these scores softenedWeight with softenedMessage
    QList<QRegularExpression> softenedBy;
    int softenedWeight = 0;
    QString softenedMessage;
    int broadWeight = 0;        // acl_widening: a second reason when the principal is broad
    bool broadOnly = false;     // acl_grants: only broad principals
    int minAccess = 0;          // acl_grants: read 0 < comment 1 < write 2 < admin 3 < owner 4
    bool onlyNew = false;       // acl_grants: only access the agent's grants_before did not have
    QList<HiddenClass> classes; // hidden_text
    QStringList strongFields;   // hidden_text: field paths where strongWeight applies
    int strongWeight = 0;
    int minCount = 0;      // hidden_text: one reason once this many are found
    int ipWeight = 0;      // external_url: a second reason for a literal IP address
    QStringList types;     // personal_data: contacts, ids, iban
    QString currencyField; // amount
    int searchWeight = 0;  // mail_delete: a search or pattern selects the messages
    QString searchMessage;

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
struct PersonalData;

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
    const MailDeletion &mailDeletion();
    // Personal data in the payload's text (not counting recipients' own addresses).
    const PersonalData &personalData();

private:
    const RiskInput &m_input;
    const QStringList &m_internal;
    const HiddenTextScanner &m_scanner;
    std::optional<QString> m_searchText;
    std::optional<QStringList> m_outside;
    std::unique_ptr<HiddenScan> m_hidden;
    std::unique_ptr<MailDeletion> m_mail;
    std::unique_ptr<PersonalData> m_personal;
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

// Shared by the detectors: {name} placeholders from `vars`, then from the payload's top-level
// strings; every string of a JSON value (items of arrays and objects, recursively).
QString fillMessage(QString message, const QHash<QString, QString> &vars,
                    const QJsonObject &payload);
QStringList allStrings(const QJsonValue &v);
bool valueEquals(const QJsonValue &want, const QJsonValue &v); // strings case-insensitively
int thresholdWeight(const QList<std::pair<qint64, int>> &thresholds, qint64 n);

// Reads and validates a rules file; errors name the rule (by id or position) and the field.
class RulesReader
{
public:
    explicit RulesReader(const QJsonObject &root)
        : m_root(root)
    {}
    bool read(QList<RiskEngine::Rule> *rules, RiskPolicy *policy, QStringList *internalDomains,
              QList<QRegularExpression> *broad, QString *error);

private:
    bool readRule(const QJsonValue &value, int index, RiskEngine::Rule *rule, QString *error);
    bool readDetectorFields(const QJsonObject &o, RiskEngine::Rule *rule, QString *error);
    bool readPolicy(RiskPolicy *policy, QString *error);
    QJsonObject m_root;
};

// Shell-style wildcard (only '*') to an anchored, case-insensitive expression; a lone "*" is the
// literal principal "*".
QRegularExpression wildcard(const QString &pattern);

} // namespace interlock
