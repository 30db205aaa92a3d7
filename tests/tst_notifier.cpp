// Which events become desktop notifications (issue #16 section 5), with a recording sink in place
// of the system tray: the chosen levels, quiet while the console is active, one notification per
// kind and batch, a click opens what it is about, agent text revealed and without markup.
#include "ui/ActionQueueModel.h"
#include "ui/safety/Notifier.h"

#include <QApplication>
#include <QJsonArray>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock::ui;

namespace {
class RecordingSink : public NotificationSink
{
public:
    void show(const Notification &n) override { shown.append(n); }
    bool available() const override { return true; }
    void click() { Q_EMIT clicked(); }
    QList<Notification> shown;
};

QJsonObject created(const QString &id, const QString &level)
{
    return {{QStringLiteral("type"), QStringLiteral("action.created")},
            {QStringLiteral("action_id"), id},
            {QStringLiteral("session_id"), QStringLiteral("ses_1")},
            {QStringLiteral("kind"), QStringLiteral("shell.exec")},
            {QStringLiteral("risk_level"), level}};
}

QJsonObject trip()
{
    return {{QStringLiteral("type"), QStringLiteral("breaker.tripped")},
            {QStringLiteral("session_id"), QStringLiteral("ses_9")},
            {QStringLiteral("agent"), QStringLiteral("mail-cleaner")},
            {QStringLiteral("rule"), QStringLiteral("mail-burst")},
            {QStringLiteral("action"), QStringLiteral("freeze")},
            {QStringLiteral("message"), QStringLiteral("21 destructive actions in 60 s")}};
}
} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT

    QTemporaryDir m_settings;
    std::unique_ptr<Notifier> m_notifier;
    RecordingSink *m_sink = nullptr;
    bool m_active = false;

private Q_SLOTS:
    void initTestCase()
    {
        // The person's choices live in QSettings: a folder of this test's own.
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        QCoreApplication::setOrganizationName(QStringLiteral("interlock-test"));
    }
    void init()
    {
        QSettings().clear();
        m_notifier = std::make_unique<Notifier>();
        m_sink = new RecordingSink;
        m_notifier->setSink(m_sink);
        m_active = false;
        m_notifier->setActiveCheck([this] { return m_active; });
    }

    void defaultsAreHighAndCriticalAndEverySafetyEvent()
    {
        m_notifier->handleEvents({created(QStringLiteral("act_low"), QStringLiteral("low")),
                                  created(QStringLiteral("act_med"), QStringLiteral("medium"))});
        QCOMPARE(m_sink->shown.size(), 0);
        m_notifier->handleEvents({created(QStringLiteral("act_hi"), QStringLiteral("high"))});
        QCOMPARE(m_sink->shown.size(), 1);
        QCOMPARE(m_sink->shown[0].actionId, QStringLiteral("act_hi"));
        QVERIFY(m_sink->shown[0].title.contains(QStringLiteral("HIGH")));
        m_notifier->handleEvents({trip()});
        QCOMPARE(m_sink->shown.size(), 2);
        QCOMPARE(m_sink->shown[1].title, QStringLiteral("Circuit breaker froze mail-cleaner"));
        QVERIFY(m_sink->shown[1].text.contains(QStringLiteral("mail-burst")));
        QCOMPARE(m_sink->shown[1].sessionId, QStringLiteral("ses_9"));
        m_notifier->handleEvents(
            {QJsonObject{{QStringLiteral("type"), QStringLiteral("receipt.violation")},
                         {QStringLiteral("action_id"), QStringLiteral("act_v")},
                         {QStringLiteral("message"), QStringLiteral("ran rm")}}});
        QCOMPARE(m_sink->shown.size(), 3);
        QCOMPARE(m_sink->shown[2].actionId, QStringLiteral("act_v"));
        // Liveness: the event the liveness work names, and the hook for anything else.
        m_notifier->handleEvents(
            {QJsonObject{{QStringLiteral("type"), QStringLiteral("session.liveness_lost")},
                         {QStringLiteral("session_id"), QStringLiteral("ses_2")}}});
        QCOMPARE(m_sink->shown.size(), 4);
        QVERIFY(m_sink->shown[3].text.contains(QStringLiteral("running unguarded")));
        QCOMPARE(m_sink->shown[3].sessionId, QStringLiteral("ses_2"));
        // Events nobody needs to be called for.
        m_notifier->handleEvents(
            {QJsonObject{{QStringLiteral("type"), QStringLiteral("action.decided")}},
             QJsonObject{{QStringLiteral("type"), QStringLiteral("grant.created")}}});
        QCOMPARE(m_sink->shown.size(), 4);
    }

    void levelsAreThePersonsChoiceAndKept()
    {
        Notifier::Levels levels;
        levels.high = false;
        levels.low = true;
        levels.breakers = false;
        levels.save();
        QCOMPARE(Notifier::Levels::load(), levels);
        Notifier fresh;
        QCOMPARE(fresh.levels(), levels); // a new console starts from the saved choice
        m_notifier->setLevels(levels);
        m_notifier->handleEvents(
            {created(QStringLiteral("act_hi"), QStringLiteral("high")), trip()});
        QCOMPARE(m_sink->shown.size(), 0);
        m_notifier->handleEvents({created(QStringLiteral("act_low"), QStringLiteral("low"))});
        QCOMPARE(m_sink->shown.size(), 1);
        m_notifier->handleEvents({created(QStringLiteral("act_c"), QStringLiteral("critical"))});
        QCOMPARE(m_sink->shown.size(), 2);
    }

    void quietWhileTheConsoleIsActive()
    {
        m_active = true;
        m_notifier->handleEvents(
            {created(QStringLiteral("act_c"), QStringLiteral("critical")), trip()});
        QCOMPARE(m_sink->shown.size(), 0);
        QCOMPARE(m_notifier->quietCount(), 2);
        m_active = false;
        m_notifier->handleEvents({created(QStringLiteral("act_c2"), QStringLiteral("critical"))});
        QCOMPARE(m_sink->shown.size(), 1);
    }

    void aBurstIsOneNotificationThatOpensTheMostUrgent()
    {
        QJsonArray burst;
        for (int i = 0; i < 50; ++i)
            burst.append(created(QStringLiteral("act_h%1").arg(i), QStringLiteral("high")));
        burst.insert(20, created(QStringLiteral("act_crit"), QStringLiteral("critical")));
        m_notifier->handleEvents(burst);
        QCOMPARE(m_sink->shown.size(), 1);
        QCOMPARE(m_sink->shown[0].title, QStringLiteral("51 new actions wait for a decision"));
        QCOMPARE(m_sink->shown[0].actionId, QStringLiteral("act_crit"));
    }

    void aClickOpensWhatItIsAbout()
    {
        QSignalSpy actions(m_notifier.get(), &Notifier::openAction);
        QSignalSpy sessions(m_notifier.get(), &Notifier::openSession);
        m_notifier->handleEvents({created(QStringLiteral("act_hi"), QStringLiteral("high"))});
        m_sink->click();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions.at(0).at(0).toString(), QStringLiteral("act_hi"));
        m_notifier->handleEvents({trip()});
        m_sink->click();
        QCOMPARE(sessions.size(), 1);
        QCOMPARE(sessions.at(0).at(0).toString(), QStringLiteral("ses_9"));
        QCOMPARE(actions.size(), 1);
    }

    void agentTextIsRevealedAndNeverMarkup()
    {
        ActionQueueModel model;
        QJsonObject a{{QStringLiteral("id"), QStringLiteral("act_x")},
                      {QStringLiteral("status"), QStringLiteral("pending")},
                      {QStringLiteral("agent"), QStringLiteral("<b>boss</b>")},
                      {QStringLiteral("title"), QString(QStringLiteral("Rename ") + QChar(0x202E) +
                                                        QStringLiteral("fdp.exe <a href=x>&amp;"))},
                      {QStringLiteral("risk"),
                       QJsonObject{{QStringLiteral("level"), QStringLiteral("high")}}}};
        model.upsert(a);
        m_notifier->setActions(&model);
        m_notifier->handleEvents({created(QStringLiteral("act_x"), QStringLiteral("high"))});
        QCOMPARE(m_sink->shown.size(), 1);
        const QString text = m_sink->shown[0].text;
        QVERIFY2(text.contains(QStringLiteral("U+202E")), qPrintable(text));
        QVERIFY(!text.contains(QChar(0x202E)));
        QVERIFY(!text.contains(u'<') && !text.contains(u'>') && !text.contains(u'&'));
        QVERIFY(text.contains(QStringLiteral("boss")));
    }

    void withoutATrayNothingIsShownQuietly()
    {
        // The real sink offscreen: no system tray, so show() does nothing and fails nothing.
        TrayNotificationSink tray;
        if (tray.available())
            QSKIP("this platform has a system tray");
        tray.show({QStringLiteral("t"), QStringLiteral("x"), QStringLiteral("act_1"), {}});
    }
};

QTEST_MAIN(TestNotifier)
#include "tst_notifier.moc"
