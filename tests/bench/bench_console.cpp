// Console benchmark (not a test): 100,000 pending actions through the queue model and its
// filter, resident memory, and a 10,000-line diff until it is visible and until its syntax
// colours are on. Prints a table with the machine's own floors measured in the same run.
//   build/release/tests/bench/bench_console [N]        (needs a display: xvfb-run -a, or
//   QT_QPA_PLATFORM=offscreen)
//   build/release/tests/bench/bench_console --db FILE  the whole console (embedded server, HTTP,
//   window) on a database, e.g. one from `interlockctl history generate --pending 100000`
#include "server/ServerThread.h"
#include "ui/ActionFilterModel.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/QueueFilterBar.h"
#include "ui/diff/DiffView.h"
#include "ui/diff/SyntaxColors.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QLocale>
#include <QSignalSpy>
#include <QTableView>
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

QList<QJsonObject> makeActions(int first, int n)
{
    static const char *kinds[] = {"shell.exec", "acl.change", "email.delete", "message.post",
                                  "sql.exec",   "fs.write",   "git.push",     "http.request"};
    static const char *levels[] = {"low", "medium", "high", "critical"};
    QList<QJsonObject> out;
    out.reserve(n);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = first; i < first + n; ++i) {
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

void header()
{
    std::printf("| %-52s | %14s | %-10s |\n|%s|%s|%s|\n", "measure", "value", "target",
                QByteArray(54, '-').constData(), QByteArray(16, '-').constData(),
                QByteArray(12, '-').constData());
}

// Runs the event loop until `done` holds. Not QTest::qWaitFor: it sleeps 10 ms between passes,
// which doubled the measured load time of a 200-page queue.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// The console as a user starts it on a database: the embedded server in its own thread, the
// queue loaded over HTTP page by page, the window showing the first action's detail.
int wholeConsole(const QString &db)
{
    std::printf("\nbench console --db %s: embedded server, HTTP, window\n\n", qPrintable(db));
    header();
    const double rssStart = residentMb();
    QElapsedTimer t;
    t.start();
    interlock::ServerThread server(db, QHostAddress::LocalHost, 0);
    server.start();
    if (!server.waitUntilReady()) {
        std::fprintf(stderr, "bench console: the server did not start: %s\n",
                     qPrintable(server.error()));
        return 1;
    }
    const double serverMs = double(t.nsecsElapsed()) / 1e6;
    const double rssServer = residentMb();
    ConsoleBackend backend(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())),
                           server.adminToken());
    MainWindow window(&backend);
    window.resize(1400, 900);
    window.show();
    QSignalSpy loaded(&backend, &ConsoleBackend::loaded);
    QAbstractItemModel *queue = window.queueView()->model();
    t.restart();
    backend.start();
    // One loop notes when each thing first happened.
    double firstMs = -1, detailMs = -1, loadMs = -1;
    int firstRows = 0;
    const auto elapsed = [&t] { return double(t.nsecsElapsed()) / 1e6; };
    const bool done = waitUntil(
        [&] {
            if (firstMs < 0 && queue->rowCount() > 0)
                firstMs = elapsed(), firstRows = queue->rowCount();
            if (detailMs < 0 && window.detailComplete())
                detailMs = elapsed();
            if (loadMs < 0 && loaded.count() > 0)
                loadMs = elapsed();
            return loadMs >= 0 && detailMs >= 0;
        },
        600000);
    if (!done) {
        std::fprintf(stderr, "bench console: the queue did not load\n");
        return 1;
    }
    const int pending = queue->rowCount();
    const int known = backend.actions()->rowCount();

    // Filters through the widgets a reviewer uses, with the table on screen.
    QueueFilterBar *bar = window.filterBar();
    const auto timed = [&](const std::function<void()> &change) {
        QElapsedTimer f;
        f.start();
        change();
        QCoreApplication::processEvents(); // the table repaints
        return std::pair{double(f.nsecsElapsed()) / 1e6, queue->rowCount()};
    };
    // For profiling the filters alone: BENCH_FILTER_REPEAT=N runs them N times first.
    for (int i = 0; i < qEnvironmentVariableIntValue("BENCH_FILTER_REPEAT"); ++i) {
        timed([&] { bar->agent()->setCurrentIndex(i % 20 + 1); });
        timed([&] { bar->agent()->setCurrentIndex(0); });
    }
    const auto text = timed([&] { bar->search()->setText(QStringLiteral("agent-07")); });
    const auto clearText = timed([&] { bar->search()->clear(); });
    const auto level = timed([&] { bar->level()->setCurrentIndex(1); });
    const auto clearLevel = timed([&] { bar->level()->setCurrentIndex(0); });
    const auto none = timed([&] { bar->level()->setCurrentIndex(3); });
    const auto clearNone = timed([&] { bar->level()->setCurrentIndex(0); });
    // The window ticks the age column once a second: a change to every row.
    const auto tick =
        timed([&] { backend.actions()->setNow(QDateTime::currentMSecsSinceEpoch()); });
    const auto agent = timed([&] { bar->agent()->setCurrentIndex(bar->agent()->count() / 2); });
    const auto clearAgent = timed([&] { bar->agent()->setCurrentIndex(0); });
    // An action far down the queue: its full JSON is not in memory and comes from the server.
    QElapsedTimer c;
    c.start();
    window.queueView()->setCurrentIndex(queue->index(pending / 2, 0));
    const bool cold = waitUntil([&] { return window.detailComplete(); }, 30000);
    const double coldMs = double(c.nsecsElapsed()) / 1e6;
    const double rssEnd = residentMb();
    server.quit();
    server.wait();

    row(QStringLiteral("embedded server up"), ms(serverMs));
    row(QStringLiteral("first page on screen (%1 rows, the top of the queue)").arg(firstRows),
        ms(firstMs));
    row(QStringLiteral("whole queue loaded (%1 pending, %2 in all)").arg(pending).arg(known),
        ms(loadMs));
    row(QStringLiteral("first action's full detail on screen"), ms(detailMs));
    const auto filterRow = [](const QString &what, std::pair<double, int> r) {
        row(QStringLiteral("%1 (%2 rows)").arg(what).arg(r.second), ms(r.first),
            QStringLiteral("< 50 ms"));
    };
    filterRow(QStringLiteral("text filter 'agent-07'"), text);
    filterRow(QStringLiteral("  cleared"), clearText);
    filterRow(QStringLiteral("level filter: medium and up"), level);
    filterRow(QStringLiteral("  cleared"), clearLevel);
    filterRow(QStringLiteral("level filter: critical only"), none);
    filterRow(QStringLiteral("  cleared"), clearNone);
    filterRow(QStringLiteral("agent filter: one agent"), agent);
    filterRow(QStringLiteral("  cleared"), clearAgent);
    row(QStringLiteral("age tick: every row's age and time left (%1 rows)").arg(tick.second),
        ms(tick.first), QStringLiteral("once a second"));
    row(QStringLiteral("select an action far down: detail fetched, shown"),
        cold ? ms(coldMs) : QStringLiteral("not shown"));
    row(QStringLiteral("resident memory: console and embedded server"),
        QStringLiteral("%1 MB").arg(rssEnd, 0, 'f', 0), QStringLiteral("< 300 MB"));
    row(QStringLiteral("  of which before the server started"),
        QStringLiteral("%1 MB").arg(rssStart, 0, 'f', 0));
    row(QStringLiteral("  of which the server started (SQLite cache etc.)"),
        QStringLiteral("%1 MB").arg(rssServer - rssStart, 0, 'f', 0));
    return 0;
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args.at(1) == QLatin1String("--db"))
        return wholeConsole(args.at(2));
    const int n = args.size() > 1 ? args.at(1).toInt() : 100000;
    if (n < 1) {
        std::fprintf(stderr, "usage: bench_console [N] | bench_console --db FILE\n");
        return 2;
    }
    std::printf("\nbench console: %d pending actions, a 10,000-line diff\n\n", n);
    header();
    const double rssStart = residentMb();

    // Floor: sorting (score, age) pairs for every row.
    QElapsedTimer t;
    t.start();
    std::vector<std::pair<int, int>> keys;
    keys.reserve(size_t(n));
    for (int i = 0; i < n; ++i)
        keys.push_back({-((i * 37) % 100), i});
    std::sort(keys.begin(), keys.end());
    const double floorMs = double(t.nsecsElapsed()) / 1e6;

    // As the console loads: pages of 500 arrive, each is summarised and dropped; the model keeps
    // row summaries only. Making the JSON (the client's parse) is not timed.
    ActionQueueModel model;
    ActionFilterModel filter;
    constexpr int page = 500;
    QList<ActionQueueModel::Row> rows;
    rows.reserve(n);
    double loadMs = 0;
    double rssPage = 0;
    for (int first = 0; first < n; first += page) {
        const QList<QJsonObject> json = makeActions(first, qMin(page, n - first));
        if (first == 0)
            rssPage = residentMb() - rssStart;
        t.restart();
        for (const QJsonObject &a : json)
            rows.append(model.summarise(a));
        loadMs += double(t.nsecsElapsed()) / 1e6;
    }
    t.restart();
    model.reset(std::move(rows));
    loadMs += double(t.nsecsElapsed()) / 1e6;
    t.restart();
    filter.setSourceModel(&model); // filters (pending); the model is in triage order already
    filter.rowCount();
    const double sortMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    filter.setText(QStringLiteral("agent-07"));
    filter.rowCount(); // the proxy filters lazily, on first use
    const double textMs = double(t.nsecsElapsed()) / 1e6;
    const int textRows = filter.rowCount();
    filter.setText({});
    t.restart();
    filter.setMinimumLevel(3);
    filter.rowCount();
    const double levelMs = double(t.nsecsElapsed()) / 1e6;
    const int levelRows = filter.rowCount();
    t.restart();
    filter.setMinimumLevel(0);
    filter.rowCount();
    const double clearMs = double(t.nsecsElapsed()) / 1e6;
    const double rssModel = residentMb();

    row(QStringLiteral("load %1 actions into the model").arg(n), ms(loadMs),
        QStringLiteral("< 1 s"));
    row(QStringLiteral("first filter (pending)"), ms(sortMs), QString());
    row(QStringLiteral("text filter 'agent-07' (%1 rows)").arg(textRows), ms(textMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("level filter critical (%1 rows)").arg(levelRows), ms(levelMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("clear the filters (%1 rows)").arg(filter.rowCount()), ms(clearMs),
        QStringLiteral("< 50 ms"));
    row(QStringLiteral("floor: sort %1 (score, age) keys").arg(n), ms(floorMs));
    row(QStringLiteral("resident memory with the model"),
        QStringLiteral("%1 MB").arg(rssModel, 0, 'f', 0), QStringLiteral("< 300 MB"));
    row(QStringLiteral("  one page of 500 actions as JSON, while it is read"),
        QStringLiteral("%1 MB").arg(rssPage, 0, 'f', 1));
    row(QStringLiteral("  before the model (Qt, fonts, the process)"),
        QStringLiteral("%1 MB").arg(rssStart, 0, 'f', 0));

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
