#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <functional>

namespace interlock::ui {

// Reading time in the console (issue #15): the server refuses to approve a high or critical
// action sooner than its minimum after this reviewer first opened it (422 too_fast) and says,
// with the detail, how much is left (`review.remaining_ms`). This keeps, per action, when the
// console may approve, counted on the console's own clock from the moment the answer arrived,
// and ticks while a countdown runs so the window can show it.
class ReviewTimer : public QObject
{
    Q_OBJECT
public:
    using Now = std::function<qint64()>;
    explicit ReviewTimer(QObject *parent = nullptr);

    // Tests inject a manual clock; the default is the wall clock's milliseconds.
    void setClock(Now now) { m_now = std::move(now); }
    // The `review` object of GET /v1/actions/{id} (absent: nothing to wait for).
    void note(const QString &id, const QJsonObject &review);
    bool known(const QString &id) const { return m_readyAt.contains(id); }
    // Milliseconds before `id` may be approved: 0 when it may, -1 when not known yet.
    qint64 remainingMs(const QString &id) const;
    // Re-reads the clock; emits changed() while a countdown runs (the timer calls it).
    void tick();

Q_SIGNALS:
    void changed();

private:
    Now m_now;
    QHash<QString, qint64> m_readyAt;
    QTimer m_timer;
};

} // namespace interlock::ui
