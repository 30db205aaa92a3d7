#pragma once

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>
#include <functional>

namespace interlock::ui {

// Agent sessions: agent, owner, pending count and a status a person reads at a glance:
// active, killed, "terminated ✓ (N ms)" once the supervisor proved the agent died, ended; and
// for supervised sessions whether the kill path is proven alive ("kill path verified N s ago",
// or a warning when the supervisor stopped answering the server's pings).
class SessionListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Agent, Owner, Pending, Status, KillPath, ColumnCount };
    enum Roles { IdRole = Qt::UserRole + 1, StateRole, FrozenRole, LivenessRole };

    explicit SessionListModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<QJsonObject> &sessions);
    // Applies one session as the server returned it (e.g. a kill's answer) at once.
    void upsert(const QJsonObject &session);
    // "active", "active · RULE: N of M allowed in S s" once a session used half of what a
    // circuit breaker allows, "frozen by …", killed, "terminated ✓ (N ms)", ended.
    static QString statusText(const QJsonObject &session);
    // A kill its supervisor reported long after it was made (held up, or stopped by the agent).
    static bool reportedLate(const QJsonObject &session);
    // The rule of `breaker_counts` closest to tripping, once half of what it allows is used.
    static QString nearestBreakerText(const QJsonArray &counts);
    // One line per rule of `breaker_counts` (the status tooltip).
    static QString breakerCountsText(const QJsonArray &counts);
    // The session `id` as the server last sent it (empty when unknown).
    QJsonObject session(const QString &id) const;
    // "frozen by RULE (…)": what holds a frozen session and who resumed it so far (issue #16).
    static QString frozenText(const QJsonObject &frozen);
    // "kill path verified N s ago", a warning when late, empty when not a live supervised session;
    // sinceFetchMs: how long ago the session was read from the server.
    static QString killPathText(const QJsonObject &session, qint64 sinceFetchMs);
    // For tests: the clock (ms) the age since the last reset() is measured on.
    void setMonotonicClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

private:
    qint64 sinceFetchMs() const { return m_clock() - m_fetchedAt; }

    QList<QJsonObject> m_sessions;
    QElapsedTimer m_elapsed;
    std::function<qint64()> m_clock;
    qint64 m_fetchedAt = 0;
    QTimer m_ageTimer; // the ages shown move on every second
};

} // namespace interlock::ui
