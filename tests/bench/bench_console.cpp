// Console benchmark (not a test): 100,000 pending actions through the queue model and its
// filter, resident memory, and a 10,000-line diff until it is visible and until its syntax
// colours are on. Prints a table with the machine's own floors measured in the same run.
//   build/release/tests/bench/bench_console          (needs a display: xvfb-run -a, or
//   QT_QPA_PLATFORM=offscreen)
#include "ui/ActionFilterModel.h"
#include "ui/ActionQueueModel.h"
#include "ui/diff/DiffView.h"
#include "ui/diff/SyntaxColors.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLocale>
#include <QSignalSpy>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace interlock::ui;

namespace {
double residentMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

QList<QJsonObject> makeActions(int n)
{
    static const char *kinds[] = {"shell.exec", "acl.change", "email.delete", "message.post",
                                  "sql.exec",   "fs.write",   "git.push",     "http.request"};
    static const char *levels[] = {"low", "medium", "high", "critical"};
    QList<QJsonObject> out;
    out.reserve(n);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < n; ++i) {
        const int score = (i * 37) % 100;
        out.append(QJsonObject{
            {QStringLiteral("id"), QStringLiteral("act_%1").arg(i)},
            {QStringLiteral("version"), 1},
            {QStringLiteral("session_id"), QStringLiteral("ses_%1").arg(i % 40)},
            {QStringLiteral("agent"),
             QStringLiteral("agent-%1").arg(i % 40, 2, 10, QLatin1Char('0'))},
            {QStringLiteral("kind"), QLatin1String(kinds[i % 8])},
            {QStringLiteral("title"),
             QStringLiteral("Action number %1 for the nightly clean-up").arg(i)},
            {QStringLiteral("summary"), QStringLiteral("Generated for the benchmark.")},
            {QStringLiteral("target"), QStringLiteral("host://web-%1").arg(i % 17)},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}}},
            {QStringLiteral("risk"),
             QJsonObject{{QStringLiteral("score"), score},
                         {QStringLiteral("level"), QLatin1String(levels[score / 25])}}},
            {QStringLiteral("required_approvals"), 1},
            {QStringLiteral("approvals"), QJsonArray()},
            {QStringLiteral("status"), QStringLiteral("pending")},
            {QStringLiteral("created_at"),
             QDateTime::fromMSecsSinceEpoch(now - i * 1000, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("expires_at"),
             QDateTime::fromMSecsSinceEpoch(now + 3600000, Qt::UTC).toString(Qt::ISODateWithMs)}});
    }
    return out;
}

QString ms(double v)
{
    return QLocale(QLocale::English).toString(v, 'f', v < 10 ? 2 : 1) + QStringLiteral(" ms");
}

void row(const QString &name, const QString &value, const QString &target = {})
{
    std::printf("| %-52s | %14s | %-10s |\n", qPrintable(name), qPrintable(value),
                qPrintable(target));
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const int n = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 100000;
    std::printf("\nbench console: %d pending actions, a 10,000-line diff\n\n", n);
    std::printf("| %-52s | %14s | %-10s |\n|%s|%s|%s|\n", "measure", "value", "target",
                QByteArray(54, '-').constData(), QByteArray(16, '-').constData(),
                QByteArray(12, '-').constData());
    const double rssStart = residentMb();
    QList<QJsonObject> actions = makeActions(n);
    const double rssJson = residentMb();

    // Floor: copying the same objects into a list and sorting (score, age) pairs.
    QElapsedTimer t;
    t.start();
    QList<QJsonObject> copy = actions;
    std::vector<std::pair<int, int>> keys;
    keys.reserve(size_t(n));
    for (int i = 0; i < n; ++i)
        keys.push_back({-((i * 37) % 100), i});
    std::sort(keys.begin(), keys.end());
    const double floorMs = double(t.nsecsElapsed()) / 1e6;
    copy.clear();

    ActionQueueModel model;
    ActionFilterModel filter;
    t.restart();
    model.reset(actions);
    const double loadMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    filter.setSourceModel(&model); // filters (pending) and sorts (risk, then age)
    const double sortMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    filter.setText(QStringLiteral("agent-07"));
    const double textMs = double(t.nsecsElapsed()) / 1e6;
    const int textRows = filter.rowCount();
    filter.setText({});
    t.restart();
    filter.setMinimumLevel(3);
    const double levelMs = double(t.nsecsElapsed()) / 1e6;
    const int levelRows = filter.rowCount();
    t.restart();
    filter.setMinimumLevel(0);
    const double clearMs = double(t.nsecsElapsed()) / 1e6;
    actions.clear();
    const double rssModel = residentMb();

    row(QStringLiteral("load %1 actions into the model").arg(n), ms(loadMs),
        QStringLiteral("< 1 s"));
    row(QStringLiteral("initial filter + sort (risk, then age)"), ms(sortMs), QString());
    row(QStringLiteral("text filter 'agent-07' (%1 rows)").arg(textRows), ms(textMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("level filter critical (%1 rows)").arg(levelRows), ms(levelMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("clear the filters (%1 rows)").arg(filter.rowCount()), ms(clearMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("floor: copy the JSON list + sort keys"), ms(floorMs));
    row(QStringLiteral("resident memory with the model"),
        QStringLiteral("%1 MB").arg(rssModel, 0, 'f', 0), QStringLiteral("< 300 MB"));
    row(QStringLiteral("  of which the raw JSON objects"),
        QStringLiteral("%1 MB").arg(rssJson - rssStart, 0, 'f', 0));

    // A 10,000-line Python file with every 7th line changed.
    QString before, after;
    for (int i = 0; i < 10000; ++i) {
        before += QStringLiteral("value_%1 = compute(%1)  # step %1\n").arg(i);
        after += (i % 7 == 0 ? QStringLiteral("value_%1 = compute(%1, cached=True)  # step %1\n")
                             : QStringLiteral("value_%1 = compute(%1)  # step %1\n"))
                     .arg(i);
    }
    t.restart();
    const DiffDocument doc = diffOfTexts(QStringLiteral("big.py"), {}, before, after);
    const double modelMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    const DiffRendering unified = renderUnified(doc);
    const double unifiedMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    const auto sides = renderSideBySide(doc);
    const double sidesMs = double(t.nsecsElapsed()) / 1e6;
    row(QStringLiteral("10k-line diff: model on a worker (dtl + words)"), ms(modelMs));
    row(QStringLiteral("10k-line diff: unified text"), ms(unifiedMs));
    row(QStringLiteral("10k-line diff: side-by-side texts"), ms(sidesMs));
    DiffView view;
    view.resize(1000, 700);
    view.show();
    QSignalSpy shown(&view, &DiffView::shown);
    QSignalSpy coloured(view.unifiedView(), &DiffTextView::highlighted);
    QElapsedTimer gui;
    int longestPassMs = 0;
    // The longest stretch the GUI thread was busy, sampled by a 0-ms timer between passes.
    QTimer probe;
    qint64 last = 0;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        longestPassMs = qMax(longestPassMs, int(now - last));
        last = now;
    });
    probe.start(0);
    t.restart();
    view.setTexts(QStringLiteral("big.py"), before, after);
    const double callMs = double(t.nsecsElapsed()) / 1e6;
    shown.wait(30000);
    const double visibleMs = double(t.nsecsElapsed()) / 1e6;
    QCoreApplication::processEvents(); // first paint
    const double paintedMs = double(t.nsecsElapsed()) / 1e6;
    const bool colours = !SyntaxColors::program().isEmpty() && coloured.wait(60000);
    const double colouredMs = double(t.nsecsElapsed()) / 1e6;
    probe.stop();
    row(QStringLiteral("10k-line diff: setTexts returns"), ms(callMs));
    row(QStringLiteral("10k-line diff: visible (model + text set)"), ms(visibleMs),
        QStringLiteral("< 300 ms"));
    row(QStringLiteral("10k-line diff: first paint done"), ms(paintedMs));
    row(QStringLiteral("10k-line diff: syntax colours complete"),
        colours ? ms(colouredMs) : QStringLiteral("no highlighter"));
    row(QStringLiteral("longest GUI-thread stall meanwhile"), ms(longestPassMs));
    row(QStringLiteral("resident memory at the end"),
        QStringLiteral("%1 MB").arg(residentMb(), 0, 'f', 0), QStringLiteral("< 300 MB"));
    return 0;
}
