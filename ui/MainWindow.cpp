#include "MainWindow.h"

#include "history/HistoryView.h"

#include "ActionDetailView.h"
#include "ActionFilterModel.h"
#include "ActionQueueModel.h"
#include "ConsoleBackend.h"
#include "Prompts.h"
#include "SessionListModel.h"

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
    , m_search(new QLineEdit(this))
    , m_status(new QComboBox(this))
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
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] {
        if (m_filter->rowCount() > 0)
            m_queue->setCurrentIndex(m_filter->index(0, 0));
        showSelected();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_queue->currentIndex().isValid())
            m_queue->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(backend, &ConsoleBackend::outcome, this, &MainWindow::showOutcome);
    connect(backend, &ConsoleBackend::violation, this, &MainWindow::raiseAlert);
    connect(backend, &ConsoleBackend::connectionChanged, this,
            [this](bool connected, const QString &text) {
                m_connected = connected;
                m_connection->setText(text);
                m_connection->setStyleSheet(connected ? QString()
                                                      : QStringLiteral("color: #b91c1c;"));
                updateEnabled();
            });
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this,
            [this] { m_backend->actions()->setNow(QDateTime::currentMSecsSinceEpoch()); });
    tick->start(1000);
    updateEnabled();
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
    connect(find, &QAction::triggered, this, [this] { m_search->setFocus(); });
    addActions({next, previous, find});

    m_connectAgent = new QAction(tr("Connect an agent…"), this);
    m_connectAgent->setEnabled(false);
    connect(m_connectAgent, &QAction::triggered, this, &MainWindow::showConnectAgent);

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
    m_search->setPlaceholderText(tr("Filter: agent, kind, title, target (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(320);
    connect(m_search, &QLineEdit::textChanged, m_filter, &ActionFilterModel::setText);
    toolbar->addWidget(m_search);
    for (const auto &[label, value] :
         {std::pair{tr("Pending"), QStringLiteral("pending")},
          std::pair{tr("Approved"), QStringLiteral("approved")},
          std::pair{tr("Rejected"), QStringLiteral("rejected")},
          std::pair{tr("Expired"), QStringLiteral("expired")},
          std::pair{tr("Cancelled"), QStringLiteral("cancelled")}, std::pair{tr("All"), QString()}})
        m_status->addItem(label, value);
    connect(m_status, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setStatus(m_status->currentData().toString()); });
    toolbar->addWidget(m_status);
    auto *level = new QComboBox(this);
    level->setToolTip(tr("Show only actions at or above this risk level"));
    for (const QString &label :
         {tr("Any risk"), tr("Medium and up"), tr("High and up"), tr("Critical only")})
        level->addItem(label);
    connect(level, &QComboBox::currentIndexChanged, m_filter, &ActionFilterModel::setMinimumLevel);
    toolbar->addWidget(level);

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
        view->setWordWrap(false);
        view->setAlternatingRowColors(true);
        view->horizontalHeader()->setHighlightSections(false);
    }
    m_queue->setModel(m_filter);
    m_queue->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_queue->horizontalHeader()->setSectionResizeMode(ActionQueueModel::Title,
                                                      QHeaderView::Stretch);
    m_queue->setColumnHidden(ActionQueueModel::Status, true);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        m_queue->setColumnHidden(ActionQueueModel::Status,
                                 !m_status->currentData().toString().isEmpty());
    });
    m_sessions->setModel(m_backend->sessions());
    m_sessions->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    connect(m_sessions->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::updateEnabled);
    connect(m_backend->sessions(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateEnabled);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_queue);
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
    panelLayout->addWidget(kill, 0, Qt::AlignRight);
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

void MainWindow::showSelected()
{
    const QString id = selectedActionId();
    if (id.isEmpty())
        m_detail->clear();
    else
        m_detail->show(m_backend->actions()->action(id));
    updateEnabled();
}

void MainWindow::updateEnabled()
{
    const QModelIndex current = m_queue->currentIndex();
    const bool pending =
        current.isValid() &&
        current.data(ActionQueueModel::StatusRole).toString() == QLatin1String("pending");
    // While disconnected no decision button pretends to work.
    const bool canAct = m_connected && !m_readOnly;
    m_approve->setEnabled(canAct && pending);
    m_reject->setEnabled(canAct && pending);
    m_edit->setEnabled(canAct && pending);
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
    if (const QString id = selectedActionId(); !id.isEmpty())
        m_backend->approve(id);
}

void MainWindow::editSelected()
{
    const QString id = selectedActionId();
    if (id.isEmpty())
        return;
    if (const auto payload = Prompts::edit(this, m_backend->actions()->action(id)))
        m_backend->edit(id, *payload);
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
