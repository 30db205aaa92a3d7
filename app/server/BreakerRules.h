#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <memory>

namespace interlock {

// One circuit breaker of the rules file's "breakers" array (docs/risk-rules.md "Circuit
// breakers"): when an agent session (or every session of one agent) does more than `moreThan`
// of `measure` within `windowSeconds` (or in a row), the server acts at once: `freeze` or `kill`.
struct BreakerRule {
    enum class Scope { Session, Agent };
    enum class Measure { DestructiveActions, DeletedItems, RejectionsInARow, Submissions };
    enum class Act { Freeze, Kill };

    QString id;
    Scope scope = Scope::Session;
    Measure measure = Measure::Submissions;
    qint64 moreThan = 0;
    int windowSeconds = 0; // 0 for rejections_in_a_row
    Act act = Act::Freeze;
    bool critical = false; // a freeze needs two different people to resume
    QStringList kinds;     // empty: every kind
    QString message;

    bool windowed() const { return measure != Measure::RejectionsInARow; }
    bool appliesTo(const QString &kind) const { return kinds.isEmpty() || kinds.contains(kind); }
    QString measureName() const;
    QString scopeName() const;
    QString actName() const;
    // "more than 5 destructive actions in 60 s" with the figures filled in.
    QString describe(qint64 count) const;
    QJsonObject toJson() const;
};

// What the breakers count of one action.
struct ActionFacts {
    bool destructive = false;
    qint64 deletedItems = 0;
};

// The "breakers" and "destructive" sections of a rules file, validated.
class BreakerRules
{
public:
    // Reads them from the file's root object; `text` (the file) lets errors name the line.
    // A file without "breakers" has none. nullptr with *error naming the breaker and its line.
    static std::shared_ptr<const BreakerRules> read(const QJsonObject &root, const QByteArray &text,
                                                    QString *error);

    const QList<BreakerRule> &rules() const { return m_rules; }
    // Destructive: its kind is listed, a risk reason's rule is listed, it is a shell command
    // whose program is listed, or an MCP tool whose server annotates it destructiveHint.
    // Deleted items: the sizes of the kind's listed array fields (message_ids, paths), the
    // operands of a listed shell program, or the largest `deleted_items` a risk reason carries.
    ActionFacts factsOf(const QJsonObject &action) const;
    qint64 longestWindowMs() const;
    QJsonObject toJson() const;

private:
    bool readDestructive(const QJsonObject &root, QString *error);

    QList<BreakerRule> m_rules;
    QStringList m_kinds;
    QStringList m_reasons; // rule ids; "prefix.*" matches a prefix
    QStringList m_commands;
    bool m_mcpHint = true;
    QHash<QString, QStringList> m_itemFields;
};

} // namespace interlock
