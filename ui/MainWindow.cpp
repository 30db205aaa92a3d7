#include "MainWindow.h"

#include "history/HistoryView.h"

#include "ActionDetailView.h"
#include "ActionFilterModel.h"
#include "ActionQueueModel.h"
#include "ConsoleBackend.h"
#include "Prompts.h"
#include "QueueFilterBar.h"
#include "RevealedText.h"
#include "ReviewTimer.h"
#include "SessionListModel.h"
#include "safety/SafetyController.h"

#include "core/CanonicalJson.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace interlock::ui {

MainWindow::MainWindow(ConsoleBackend *backend, QWidget *parent)
    : QMainWindow(parent)
    , m_backend(backend)
    , m_filter(new ActionFilterModel(this))
    , m_queue(new QTableView(this))
    , m_sessions(new QTableView(this))
    , m_detail(new ActionDetailView(this))
    , m_filterBar(new QueueFilterBar(backend->actions(), m_filter, this))
    , m_connection(new QLabel(this))
{
    setWindowTitle(tr("Interlock"));
    m_filter->setSourceModel(backend->actions());
    buildActions();
    buildLayout();

    connect(m_queue->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelected);
    connect(backend, &ConsoleBackend::roleKnown, this, &MainWindow::setRole);
    connect(m_filter, &QAbstractItemModel::dataChanged, this, &MainWindow::showSelected);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        // The decided action left the pending view: the next one is selected.
        if (!m_queue->currentIndex().isValid() && m_filter->rowCount() > 0)
            m_queue->setCurrentIndex(m_filter->index(0, 0));
    });
    // A reload keeps the reviewer's place: the same action stays selected if it is still there.
    connect(m_filter, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_keepSelected = selectedActionId(); });
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] {
        const int source = m_backend->actions()->rowOf(std::exchange(m_keepSelected, {}));
        QModelIndex keep = source < 0
                               ? QModelIndex()
                               : m_filter->mapFromSource(m_backend->actions()->index(source, 0));
        if (!keep.isValid() && m_filter->rowCount() > 0)
            keep = m_filter->index(0, 0);
        if (keep.isValid())
            m_queue->setCurrentIndex(keep);
        m_fitColumns->start();
        showSelected();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, m_fitColumns, qOverload<>(&QTimer::start));
    connect(backend, &ConsoleBackend::loadProgress, this, [this](int count) {
        m_progress = tr("Loading the queue: %L1 actions so far…").arg(count);
        statusBar()->showMessage(m_progress, 0);
    });
    connect(backend, &ConsoleBackend::loaded, this, [this] {
        if (!m_progress.isEmpty() && statusBar()->currentMessage() == m_progress)
            statusBar()->clearMessage();
        m_progress.clear();
        m_queueProblem->hide();
        showConnection();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_queue->currentIndex().isValid())
            m_queue->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(backend, &ConsoleBackend::outcome, this, &MainWindow::showOutcome);
    connect(backend->reviewTimer(), &ReviewTimer::changed, this, &MainWindow::updateEnabled);
    connect(backend, &ConsoleBackend::violation, this, &MainWindow::raiseAlert);
    connect(backend, &ConsoleBackend::actionUnavailable, this,
            [this](const QString &id, const QString &message) {
                if (id == selectedActionId())
                    m_detail->showUnavailable(message);
            });
    connect(backend, &ConsoleBackend::connectionChanged, this,
            [this](bool connected, const QString &text) {
                m_connected = connected;
                m_connectionText = text;
                showConnection();
                updateEnabled();
            });
    // A queue that could not be loaded is never shown as an empty one.
    connect(backend, &ConsoleBackend::queueFailed, this, [this](const QString &message) {
        m_queueProblem->setText(
            tr("The queue could not be loaded: %1 The list below is not the server's queue.")
                .arg(message));
        m_queueProblem->show();
        showConnection();
    });
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this,
            [this] { m_backend->actions()->setNow(QDateTime::currentMSecsSinceEpoch()); });
    tick->start(1000);
    updateEnabled();
    m_safety = new SafetyController(backend, this);
}

void MainWindow::buildActions()
{
    m_approve = new QAction(tr("&Approve"), this);
    m_approve->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_approve->setToolTip(tr("Approve the selected action as it is (Ctrl+Return)"));
    connect(m_approve, &QAction::triggered, this, &MainWindow::approveSelected);

    m_edit = new QAction(tr("&Edit…"), this);
    m_edit->setShortcut(QKeySequence(Qt::Key_E));
    m_edit->setToolTip(tr("Edit the payload, then approve your version (E)"));
    connect(m_edit, &QAction::triggered, this, &MainWindow::editSelected);

    m_reject = new QAction(tr("&Reject…"), this);
    m_reject->setShortcut(QKeySequence(Qt::Key_R));
    m_reject->setToolTip(tr("Reject the selected action with a reason (R)"));
    connect(m_reject, &QAction::triggered, this, &MainWindow::rejectSelected);

    m_emergencyStop = new QAction(tr("■ Emergency stop"), this);
    m_emergencyStop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_emergencyStop->setToolTip(
        tr("Kill the session of the selected action now, without asking (Ctrl+K)"));
    connect(m_emergencyStop, &QAction::triggered, this, &MainWindow::killSelectedSession);

    m_stopAll = new QAction(tr("Stop all agents…"), this);
    m_stopAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_stopAll->setToolTip(tr("Kill every active agent session (Ctrl+Shift+K, then Enter)"));
    connect(m_stopAll, &QAction::triggered, this, &MainWindow::stopAll);

    m_killSession = new QAction(tr("Kill session"), this);
    m_killSession->setToolTip(tr("Kill the session selected in this list"));
    connect(m_killSession, &QAction::triggered, this, &MainWindow::killSessionInPanel);

    auto *next = new QAction(tr("Next action"), this);
    next->setShortcut(QKeySequence(Qt::Key_J));
    connect(next, &QAction::triggered, this, [this] { moveSelection(1); });
    auto *previous = new QAction(tr("Previous action"), this);
    previous->setShortcut(QKeySequence(Qt::Key_K));
    connect(previous, &QAction::triggered, this, [this] { moveSelection(-1); });
    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] { m_filterBar->search()->setFocus(); });
    addActions({next, previous, find});

    m_connectAgent = new QAction(tr("Connect an agent…"), this);
    m_connectAgent->setEnabled(false);
    connect(m_connectAgent, &QAction::triggered, this, &MainWindow::showConnectAgent);

    m_settings = new QAction(tr("&Settings…"), this);
    m_settings->setShortcut(QKeySequence::Preferences);
    if (m_settings->shortcut().isEmpty())
        m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setMenuRole(QAction::PreferencesRole);
    connect(m_settings, &QAction::triggered, this, [this] {
        if (const auto chosen = Prompts::settings(this, m_serverChoice))
            Q_EMIT serverChosen(*chosen);
    });
    auto *quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QMenu *console = menuBar()->addMenu(tr("&Console"));
    console->addAction(m_settings);
    console->addSeparator();
    console->addAction(quit);
    QMenu *queue = menuBar()->addMenu(tr("&Queue"));
    queue->addActions({m_approve, m_edit, m_reject, next, previous, find});
    QMenu *agents = menuBar()->addMenu(tr("&Agents"));
    agents->addActions({m_emergencyStop, m_stopAll, m_killSession});
    agents->addSeparator();
    agents->addAction(m_connectAgent);
}

void MainWindow::buildLayout()
{
    auto *toolbar = addToolBar(tr("Decisions"));
    toolbar->setObjectName(QStringLiteral("decisions"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_approve);
    toolbar->addAction(m_edit);
    toolbar->addAction(m_reject);
    toolbar->addSeparator();
    // The emergency stop is a big red button at the right end, always visible.
    auto *spacer = new QWidget(this);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    toolbar->addAction(m_stopAll);
    auto *stop = new QToolButton(this);
    stop->setDefaultAction(m_emergencyStop);
    stop->setObjectName(QStringLiteral("emergencyStop"));
    stop->setStyleSheet(QStringLiteral(
        "QToolButton { background: #dc2626; color: white; font-weight: bold; padding: 6px 14px; "
        "border-radius: 4px; } QToolButton:disabled { background: #fca5a5; }"));
    toolbar->addWidget(stop);

    for (QTableView *view : {m_queue, m_sessions}) {
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->setSelectionMode(QAbstractItemView::SingleSelection);
        view->verticalHeader()->hide();
        // One height for every row: the header then keeps no per-row sizes, which a filter over
        // 100,000 rows would otherwise recompute.
        view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view->setWordWrap(false);
        view->setAlternatingRowColors(true);
        view->horizontalHeader()->setHighlightSections(false);
        // Agent text: hidden characters shown as coloured placeholders, copied as shown.
        view->setItemDelegate(new RevealDelegate(view));
        installRevealedCopy(view);
    }
    m_queue->setModel(m_filter);
    // Column widths follow the contents as actions arrive (measured over the first 200 rows,
    // at most once per burst) until the reviewer drags one; a filter change never re-measures
    // (fitting on every change measured 1,000 rows of text each time).
    m_queue->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_queue->horizontalHeader()->setResizeContentsPrecision(200);
    m_fitColumns = new QTimer(this);
    m_fitColumns->setSingleShot(true);
    m_fitColumns->setInterval(0);
    connect(m_fitColumns, &QTimer::timeout, this, &MainWindow::fitColumns);

    m_queue->horizontalHeader()->setSectionResizeMode(ActionQueueModel::Title,
                                                      QHeaderView::Stretch);
    m_queue->setColumnHidden(ActionQueueModel::Status, true);
    connect(m_filterBar, &QueueFilterBar::statusChanged, this, [this](const QString &status) {
        m_queue->setColumnHidden(ActionQueueModel::Status, !status.isEmpty());
    });
    m_sessions->setModel(m_backend->sessions());
    m_sessions->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    connect(m_sessions->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::updateEnabled);
    connect(m_backend->sessions(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateEnabled);

    auto *queuePane = new QWidget(this);
    auto *queueLayout = new QVBoxLayout(queuePane);
    queueLayout->setContentsMargins(0, 0, 0, 0);
    queueLayout->setSpacing(0);
    queueLayout->addWidget(m_filterBar);
    m_queueProblem = new QLabel(queuePane);
    m_queueProblem->setObjectName(QStringLiteral("queueProblem"));
    m_queueProblem->setTextFormat(Qt::PlainText);
    m_queueProblem->setWordWrap(true);
    m_queueProblem->setStyleSheet(QStringLiteral(
        "#queueProblem { background: #7f1d1d; color: white; font-weight: bold; padding: 6px; }"));
    m_queueProblem->hide();
    queueLayout->addWidget(m_queueProblem);
    queueLayout->addWidget(m_queue, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(queuePane);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    // A receipt violation is an alert that stays until someone acknowledges it.
    m_alert = new QWidget(this);
    m_alert->setObjectName(QStringLiteral("violationAlert"));
    m_alert->setStyleSheet(QStringLiteral(
        "#violationAlert { background: #7f1d1d; } QLabel { color: white; font-weight: bold; }"));
    m_alert->setAttribute(Qt::WA_StyledBackground);
    auto *alertLayout = new QHBoxLayout(m_alert);
    m_alertText = new QLabel(m_alert);
    m_alertText->setTextFormat(Qt::PlainText);
    m_alertText->setWordWrap(true);
    auto *acknowledge = new QPushButton(tr("Acknowledge"), m_alert);
    connect(acknowledge, &QPushButton::clicked, this, &MainWindow::acknowledgeAlert);
    alertLayout->addWidget(m_alertText, 1);
    alertLayout->addWidget(acknowledge);
    m_alert->hide();
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_alert);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(splitter, tr("Queue"));
    m_tabs->tabBar()->setVisible(false); // one tab until the role allows History
    centralLayout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    auto *panel = new QWidget(this);
    auto *panelLayout = new QVBoxLayout(panel);
    panelLayout->setContentsMargins(0, 0, 0, 0);
    panelLayout->addWidget(m_sessions);
    auto *kill = new QPushButton(panel);
    connect(kill, &QPushButton::clicked, m_killSession, &QAction::trigger);
    connect(m_killSession, &QAction::changed, kill, [kill, this] {
        kill->setText(m_killSession->text());
        kill->setEnabled(m_killSession->isEnabled());
    });
    kill->setText(m_killSession->text());
    m_sessionButtons = new QHBoxLayout;
    m_sessionButtons->addStretch(1);
    m_sessionButtons->addWidget(kill);
    panelLayout->addLayout(m_sessionButtons);
    auto *dock = new QDockWidget(tr("Agent sessions"), this);
    dock->setObjectName(QStringLiteral("sessions"));
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {150}, Qt::Vertical); // the queue and the diff get the room

    statusBar()->addPermanentWidget(m_connection);
}

QString MainWindow::selectedActionId() const
{
    return m_queue->currentIndex().data(ActionQueueModel::IdRole).toString();
}

QString MainWindow::connectionText() const
{
    return m_connection->text();
}

QString MainWindow::queueProblemText() const
{
    return m_queueProblem->isHidden() ? QString() : m_queueProblem->text();
}

void MainWindow::showConnection()
{
    const bool problem = !m_queueProblem->isHidden();
    m_connection->setText(m_connected && problem
                              ? tr("%1, but the queue could not be loaded").arg(m_connectionText)
                              : m_connectionText);
    m_connection->setStyleSheet(m_connected && !problem ? QString()
                                                        : QStringLiteral("color: #b91c1c;"));
}

// The queue keeps summaries; the full action comes from the last few seen or from the server.
// The detail is rebuilt only when the selection or the action's version changes, not on every
// tick of the age column.
void MainWindow::showSelected()
{
    const QString id = selectedActionId();
    const ActionQueueModel::Row *row = m_backend->actions()->find(id);
    if (!row) {
        m_detail->clear();
        m_shownId.clear();
        m_shownVersion = -1;
    } else if (id != m_shownId || row->version != m_shownVersion) {
        if (const auto full = m_backend->actions()->fullAction(id)) {
            m_detail->show(*full);
            m_shownId = id;
            m_shownVersion = row->version;
        } else if (id != m_detail->actionId()) {
            m_detail->showLoading(*row);
        }
        // Opened: the server starts this reviewer's reading time (once) and says what is left.
        m_backend->openAction(id);
        if (!m_backend->actions()->fullAction(id))
            m_backend->requestAction(id, true);
    }
    updateEnabled();
}

void MainWindow::fitColumns()
{
    if (m_filter->rowCount() == 0)
        return;
    QList<int> widths;
    for (int c = 0; c < ActionQueueModel::ColumnCount; ++c)
        widths.append(m_queue->columnWidth(c));
    widths[ActionQueueModel::Title] = 0; // it stretches with the window
    if (!m_fittedWidths.isEmpty() && widths != m_fittedWidths)
        return; // the reviewer dragged a column: theirs from now on
    for (int c = 0; c < ActionQueueModel::ColumnCount; ++c) {
        if (c != ActionQueueModel::Title)
            widths[c] = (m_queue->resizeColumnToContents(c), m_queue->columnWidth(c));
    }
    m_fittedWidths = widths;
}

bool MainWindow::detailComplete() const
{
    const QString id = selectedActionId();
    return !id.isEmpty() && id == m_shownId;
}

void MainWindow::updateEnabled()
{
    const QModelIndex current = m_queue->currentIndex();
    const bool pending =
        current.isValid() &&
        current.data(ActionQueueModel::StatusRole).toString() == QLatin1String("pending");
    // Nobody approves what they have not seen: approve and edit wait for the full detail.
    const bool seen = detailComplete();
    // While disconnected no decision button pretends to work.
    const bool canAct = m_connected && !m_readOnly;
    // Reading time: high and critical actions wait for the server's minimum (a countdown).
    const qint64 left = m_backend->reviewTimer()->remainingMs(selectedActionId());
    const int rank = current.isValid()
                         ? ActionQueueModel::levelRank(
                               m_backend->actions()->find(selectedActionId())
                                   ? m_backend->actions()->find(selectedActionId())->level
                                   : QString())
                         : 0;
    const bool read = left == 0 || (left < 0 && rank < 2);
    const int seconds = left > 0 ? int((left + 999) / 1000) : 0;
    m_approve->setText(seconds > 0 ? tr("&Approve (read %n s)", nullptr, seconds) : tr("&Approve"));
    m_edit->setText(seconds > 0 ? tr("&Edit… (read %n s)", nullptr, seconds) : tr("&Edit…"));
    m_approve->setEnabled(canAct && pending && seen && read);
    m_reject->setEnabled(canAct && pending);
    m_edit->setEnabled(canAct && pending && seen && read);
    m_emergencyStop->setEnabled(canAct && current.isValid());
    m_stopAll->setEnabled(canAct);
    const QModelIndex session = m_sessions->currentIndex();
    m_killSession->setEnabled(canAct && session.isValid() &&
                              session.data(SessionListModel::StateRole).toString() ==
                                  QLatin1String("active"));
}

void MainWindow::moveSelection(int delta)
{
    const int rows = m_filter->rowCount();
    if (rows == 0)
        return;
    const int row = qBound(0, m_queue->currentIndex().row() + delta, rows - 1);
    m_queue->setCurrentIndex(m_filter->index(row, 0));
}

void MainWindow::setRole(const QString &role)
{
    const bool manager = role == QLatin1String("manager");
    const bool historyRole = manager || role == QLatin1String("admin");
    m_readOnly = manager;
    for (QAction *a : {m_approve, m_edit, m_reject, m_emergencyStop, m_stopAll, m_killSession})
        a->setVisible(!m_readOnly);
    if (QWidget *stop = findChild<QWidget *>(QStringLiteral("emergencyStop")))
        stop->setVisible(!m_readOnly);
    if (historyRole && !m_history) {
        m_history = new HistoryView(m_backend->client(), this);
        m_tabs->addTab(m_history, tr("History"));
        m_tabs->tabBar()->setVisible(true);
        m_history->apply();
    }
    if (m_readOnly)
        statusBar()->showMessage(tr("Read-only: signed in as manager"), 0);
    updateEnabled();
}

bool MainWindow::historyAvailable() const
{
    return m_history != nullptr;
}

bool MainWindow::selectAction(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (int r = 0; r < m_filter->rowCount(); ++r) {
        if (m_filter->index(r, ActionQueueModel::Title).data().toString().contains(text)) {
            m_queue->setCurrentIndex(m_filter->index(r, 0));
            return true;
        }
    }
    return false;
}

void MainWindow::showTab(const QString &name)
{
    if (name == QLatin1String("queue") || !m_history)
        m_tabs->setCurrentIndex(0);
    else {
        m_tabs->setCurrentWidget(m_history);
        if (name == QLatin1String("charts"))
            m_history->showCharts();
    }
}

void MainWindow::showNotice(const QString &message)
{
    showOutcome(message, false);
}

void MainWindow::selectFirstAction()
{
    if (m_filter->rowCount() > 0)
        m_queue->setCurrentIndex(m_filter->index(0, 0));
}

void MainWindow::approveSelected()
{
    if (detailComplete())
        m_backend->approve(m_shownId, m_shownVersion, m_detail->seen());
}

void MainWindow::editSelected()
{
    const QString id = selectedActionId();
    if (id.isEmpty())
        return;
    const auto shown = m_backend->actions()->fullAction(id);
    if (!shown || !detailComplete())
        return;
    const int version = shown->value(QStringLiteral("version")).toInt();
    QJsonObject seen = m_detail->seen();
    if (const auto payload = Prompts::edit(this, *shown)) {
        // An edit's payload_sha256 is the edited payload's: what the reviewer sends is what runs.
        seen.insert(QStringLiteral("payload_sha256"),
                    QString::fromLatin1(sha256Hex(canonicalJson(*payload))));
        m_backend->edit(id, *payload, version, seen);
    }
}

void MainWindow::rejectSelected()
{
    const QString id = selectedActionId();
    if (id.isEmpty())
        return;
    const auto reason =
        Prompts::reason(this, tr("Reject action"),
                        tr("Why is this action rejected? The agent receives this text."));
    if (reason)
        m_backend->reject(id, *reason);
}

void MainWindow::addSessionAction(QAction *action)
{
    auto *button = new QPushButton(action->text(), this);
    button->setEnabled(action->isEnabled());
    connect(button, &QPushButton::clicked, action, &QAction::trigger);
    connect(action, &QAction::changed, button, [button, action] {
        button->setText(action->text());
        button->setEnabled(action->isEnabled());
        button->setVisible(action->isVisible());
    });
    m_sessionButtons->insertWidget(m_sessionButtons->count() - 1, button);
}

void MainWindow::killSelectedSession()
{
    // No dialog in the way: one click, one kill.
    const QString session = m_queue->currentIndex().data(ActionQueueModel::SessionRole).toString();
    if (!session.isEmpty())
        m_backend->killSession(session);
}

void MainWindow::killSessionInPanel()
{
    const QString session = m_sessions->currentIndex().data(SessionListModel::IdRole).toString();
    if (!session.isEmpty())
        m_backend->killSession(session);
}

void MainWindow::stopAll()
{
    if (Prompts::confirm(this, tr("Stop all agents"),
                         tr("Kill every active agent session now? Their pending actions are "
                            "cancelled and supervised agents are "
                            "terminated."),
                         tr("Stop all")))
        m_backend->stopAll();
}

void MainWindow::showProblem(const QString &message)
{
    showOutcome(message, true);
}

QString MainWindow::statusText() const
{
    return statusBar()->currentMessage();
}

void MainWindow::showOutcome(const QString &message, bool isError)
{
    statusBar()->setStyleSheet(isError ? QStringLiteral("QStatusBar { color: #b91c1c; }")
                                       : QString());
    statusBar()->showMessage(message, isError ? 15000 : 6000);
}

void MainWindow::raiseAlert(const QString &message)
{
    m_alerts.append(message);
    m_alertText->setText(
        m_alerts.size() == 1
            ? tr("Receipt violation: %1").arg(message)
            : tr("%1 receipt violations; latest: %2").arg(m_alerts.size()).arg(message));
    m_alert->show();
}

void MainWindow::acknowledgeAlert()
{
    m_alerts.clear();
    m_alert->hide();
}

QString MainWindow::alertText() const
{
    return m_alertText->text();
}

bool MainWindow::alertVisible() const
{
    return !m_alert->isHidden();
}

void MainWindow::setEnrollment(const QString &url, const QString &token)
{
    m_enrollmentUrl = url;
    m_enrollmentToken = token;
    m_connectAgent->setEnabled(!token.isEmpty());
}

void MainWindow::showConnectAgent()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Connect an agent"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro =
        new QLabel(tr("Agents open a session with this enrollment token, then submit actions and "
                      "wait for decisions. "
                      "Or run one under the supervisor: interlockctl run --agent NAME -- CMD"),
                   &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *text = new QPlainTextEdit(&dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setPlainText(
        QStringLiteral("INTERLOCK_URL=%1\nINTERLOCK_TOKEN=%2\n\ncurl -s -X POST %1/v1/sessions "
                       "\\\n  -H 'Authorization: Bearer %2' \\\n"
                       "  -H 'Content-Type: application/json' -d '{\"agent\":\"my-agent\"}'\n")
            .arg(m_enrollmentUrl, m_enrollmentToken));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(640, 280);
    dialog.exec();
}

} // namespace interlock::ui
