#include "FairnessBench.h"

#include "BenchConnection.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonObject>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace interlock::ctl {

namespace {
constexpr int kRecipients = 6000;
constexpr int kReadEveryMs = 250;

// One read of the queue by the reviewer: its time in ms, or -status when not 200.
double timedRead(BenchConnection &reviewer)
{
    QElapsedTimer t;
    t.start();
    int status = 0;
    reviewer.request("GET", QStringLiteral("/v1/actions?limit=1"), nullptr,
                     [&status](int s, const QJsonObject &) { status = s; });
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (status != 0 || t.elapsed() > 120'000)
            loop.quit();
    });
    poll.start(1);
    loop.exec();
    return status == 200 ? double(t.nsecsElapsed()) / 1e6 : -double(status);
}

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}
} // namespace

FairnessFigures measureFairness(quint16 port, const QString &agentSessionToken,
                                const QString &reviewerToken, int connections, int seconds)
{
    FairnessFigures f;
    BenchConnection reviewer(port, reviewerToken);
    for (int i = 0; i < 20; ++i) {
        const double ms = timedRead(reviewer);
        if (ms >= 0)
            f.idleMs.push_back(ms);
        pause(kReadEveryMs / 5);
    }

    QStringList to;
    for (int i = 0; i < kRecipients; ++i)
        to.append(QStringLiteral("a@x%1.example").arg(i));
    const QJsonObject heavy{
        {QStringLiteral("kind"), QStringLiteral("email.send")},
        {QStringLiteral("title"), QStringLiteral("newsletter")},
        {QStringLiteral("payload"), QJsonObject{{QStringLiteral("to"), to.join(QLatin1Char(','))},
                                                {QStringLiteral("subject"), QStringLiteral("s")},
                                                {QStringLiteral("body"), QStringLiteral("b")}}}};
    std::vector<std::unique_ptr<BenchConnection>> agents;
    bool flooding = true;
    std::function<void(BenchConnection *)> submit = [&](BenchConnection *c) {
        c->request("POST", QStringLiteral("/v1/actions"), &heavy,
                   [&, c](int status, const QJsonObject &) {
                       ++f.agentAnswered;
                       f.agentBusy += status == 503 || status == 429;
                       if (flooding)
                           submit(c);
                   });
    };
    for (int i = 0; i < connections; ++i) {
        agents.push_back(std::make_unique<BenchConnection>(port, agentSessionToken));
        agents.back()->setStatusOnly(true);
        submit(agents.back().get());
    }
    pause(2000); // the flood fills the queue
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < qint64(seconds) * 1000) {
        const double ms = timedRead(reviewer);
        if (ms >= 0)
            f.floodedMs.push_back(ms);
        else
            f.reviewerBusy += ms == -503.0;
        pause(kReadEveryMs);
    }
    flooding = false;
    agents.clear(); // closes the connections; what they sent is still scored and stored
    return f;
}

} // namespace interlock::ctl
