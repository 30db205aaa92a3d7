#include "SafetyController.h"

#include "GrantArgumentsButton.h"
#include "GrantsPanel.h"
#include "Notifier.h"
#include "SafetyBackend.h"

#include "../ActionQueueModel.h"
#include "../ConsoleBackend.h"
#include "../Labels.h"
#include "../MainWindow.h"
#include "../Prompts.h"
#include "../QueueFilterBar.h"
#include "../RevealedText.h"
#include "../SessionListModel.h"

#include <QAbstractProxyModel>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
QMenu *menuHolding(MainWindow *window, QAction *action)
{
    for (QMenu *menu : window->menuBar()->findChildren<QMenu *>())
        if (menu->actions().contains(action))
            return menu;
    return nullptr;
}

bool grantableKind(const QString &kind)
{
    return kind == QLatin1String("shell.exec") || kind == QLatin1String("fs.write") ||
           kind == QLatin1String("mcp.tool_call");
}
} // namespace

SafetyController::SafetyController(ConsoleBackend *backend, MainWindow *window)
    : QObject(window)
    , m_backend(backend)
    , m_window(window)
    , m_safety(new SafetyBackend(backend, this))
    , m_notifier(new Notifier(this))
    , m_grants(new GrantsPanel(m_safety, window))
    , m_resume(new QAction(tr("Resume session…"), this))
    , m_bulkApprove(new QAction(tr("Approve selected…"), this))
    , m_bulkReject(new QAction(tr("Reject selected…"), this))
    , m_notifications(new QAction(tr("Notifications…"), this))
    , m_grantChoice(new QComboBox(window))
    , m_grantLabel(new QLabel(tr("Allow the same for this agent:"), window))
    , m_grantArguments(new GrantArgumentsButton(window))
{
    // Multi-selection in the queue; the current row stays the one the detail shows.
    window->queueView()->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_resume->setToolTip(tr("Lift the circuit breaker's freeze of the session selected in this "
                            "list (a person's decision)"));
    m_bulkApprove->setToolTip(tr("Approve every selected action (low and medium only), after "
                                 "one confirmation that lists them"));
    m_bulkReject->setToolTip(tr("Reject every selected action with one reason"));
    connect(m_resume, &QAction::triggered, this, &SafetyController::resumeSelected);
    connect(m_bulkApprove, &QAction::triggered, this, &SafetyController::bulkApprove);
    connect(m_bulkReject, &QAction::triggered, this, &SafetyController::bulkReject);
    connect(m_notifications, &QAction::triggered, this, &SafetyController::editNotifications);
    window->addSessionAction(m_resume);
    // A frozen session's status names the rule and its figures: that column gets the room.
    QHeaderView *sessionsHeader = window->sessionsView()->horizontalHeader();
    // (agent and owner are agent text: a fixed width, never their contents')
    for (int c : {int(SessionListModel::Agent), int(SessionListModel::Owner)}) {
        sessionsHeader->setSectionResizeMode(c, QHeaderView::Interactive);
        sessionsHeader->resizeSection(c, 220);
    }
    sessionsHeader->setSectionResizeMode(SessionListModel::Pending, QHeaderView::ResizeToContents);
    sessionsHeader->setSectionResizeMode(SessionListModel::Status, QHeaderView::Stretch);
    if (QMenu *queue = menuHolding(window, window->rejectAction())) {
        queue->addSeparator();
        queue->addActions({m_bulkApprove, m_bulkReject});
    }
    if (QMenu *agents = menuHolding(window, window->killSessionAction()))
        agents->insertAction(window->killSessionAction(), m_resume);
    if (QMenu *console = menuHolding(window, window->settingsAction()))
        console->insertAction(window->settingsAction(), m_notifications);

    // The standing grant: a choice beside Reject, for the approval of the selected action.
    m_grantChoice->addItem(tr("no"), 0);
    m_grantChoice->addItem(tr("for 1 h"), 3600);
    m_grantChoice->addItem(tr("for 8 h"), 8 * 3600);
    m_grantChoice->addItem(tr("for 24 h"), 24 * 3600);
    m_grantChoice->setObjectName(QStringLiteral("grantChoice"));
    m_grantChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    if (auto *bar = window->findChild<QToolBar *>(QStringLiteral("decisions"))) {
        auto *box = new QWidget(bar);
        auto *row = new QHBoxLayout(box);
        row->setContentsMargins(8, 0, 8, 0);
        row->addWidget(m_grantLabel);
        row->addWidget(m_grantChoice);
        row->addWidget(m_grantArguments);
        const QList<QAction *> actions = bar->actions();
        const qsizetype at = actions.indexOf(window->rejectAction());
        bar->insertWidget(actions.value(at + 1), box);
        bar->insertActions(actions.value(at + 1), {m_bulkApprove, m_bulkReject});
    }
    connect(m_grantChoice, &QComboBox::currentIndexChanged, this, &SafetyController::offerGrant);
    connect(m_grantArguments, &GrantArgumentsButton::chosenChanged, this,
            &SafetyController::offerGrant);

    window->tabs()->addTab(m_grants, tr("Grants"));
    window->tabs()->tabBar()->setVisible(true);
    connect(window->tabs(), &QTabWidget::currentChanged, this, [this] {
        if (m_window->tabs()->currentWidget() == m_grants)
            m_grants->refresh();
    });

    m_notifier->setActions(backend->actions());
    m_notifier->setActiveCheck([window] { return window->isActiveWindow(); });
    connect(m_notifier, &Notifier::openAction, this, &SafetyController::openAction);
    connect(m_notifier, &Notifier::openSession, this, &SafetyController::openSession);
    connect(m_safety, &SafetyBackend::outcome, window, [window](const QString &m, bool error) {
        error ? window->showProblem(m) : window->showNotice(m);
    });
    connect(backend, &ConsoleBackend::eventsReceived, this, &SafetyController::onEvents);
    connect(backend, &ConsoleBackend::roleKnown, this, &SafetyController::setRole);
    connect(backend, &ConsoleBackend::connectionChanged, this, &SafetyController::updateEnabled);
    QAbstractItemModel *queue = window->queueView()->model();
    connect(window->queueView()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SafetyController::updateEnabled);
    // The grant choice belongs to one action: another selection starts from "no".
    connect(window->queueView()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] {
                m_backend->offerGrant({}, 0);
                updateGrantChoice();
            });
    connect(queue, &QAbstractItemModel::dataChanged, this, &SafetyController::updateEnabled);
    connect(queue, &QAbstractItemModel::modelReset, this, &SafetyController::tryOpenPending);
    connect(queue, &QAbstractItemModel::layoutChanged, this, &SafetyController::tryOpenPending);
    connect(queue, &QAbstractItemModel::rowsInserted, this, &SafetyController::tryOpenPending);
    connect(queue, &QAbstractItemModel::dataChanged, this, &SafetyController::tryOpenPending);
    connect(window->sessionsView()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SafetyController::updateEnabled);
    // The sessions list is reloaded on events: the selected session stays selected.
    connect(backend->sessions(), &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_keepSession =
            m_window->sessionsView()->currentIndex().data(SessionListModel::IdRole).toString();
    });
    connect(backend->sessions(), &QAbstractItemModel::modelReset, this, [this] {
        if (!m_keepSession.isEmpty())
            selectSession(std::exchange(m_keepSession, {}));
        updateEnabled();
    });
    connect(backend->sessions(), &QAbstractItemModel::dataChanged, this,
            &SafetyController::updateEnabled);
    connect(backend, &ConsoleBackend::actionUnavailable, this,
            [this](const QString &id, const QString &message) {
                if (id == m_openPending) {
                    m_openPending.clear();
                    m_window->showProblem(tr("Cannot open the action %1: %2").arg(id, message));
                }
            });
    updateEnabled();
}

QStringList SafetyController::selectedIds() const
{
    QStringList ids;
    QModelIndexList rows = m_window->queueView()->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &i : std::as_const(rows))
        ids.append(i.data(ActionQueueModel::IdRole).toString());
    return ids;
}

void SafetyController::updateEnabled()
{
    const bool canAct = m_backend->isConnected() && !m_readOnly;
    const QStringList ids = selectedIds();
    bool allPending = ids.size() >= 2, allLowOrMedium = allPending;
    for (const QString &id : ids) {
        const ActionQueueModel::Row *row = m_backend->actions()->find(id);
        allPending = allPending && row && row->status == QLatin1String("pending");
        allLowOrMedium = allLowOrMedium && row && row->levelRank <= 1;
    }
    m_bulkReject->setEnabled(canAct && allPending);
    m_bulkApprove->setEnabled(canAct && allPending && allLowOrMedium);
    m_bulkApprove->setText(ids.size() >= 2 ? tr("Approve %n selected…", nullptr, int(ids.size()))
                                           : tr("Approve selected…"));
    m_bulkReject->setText(ids.size() >= 2 ? tr("Reject %n selected…", nullptr, int(ids.size()))
                                          : tr("Reject selected…"));
    m_bulkApprove->setToolTip(
        allPending && !allLowOrMedium
            ? tr("Only low and medium actions can be approved together: decide the high and "
                 "critical ones one by one")
            : tr("Approve every selected action (low and medium only), after one confirmation "
                 "that lists them"));
    const QModelIndex session = m_window->sessionsView()->currentIndex();
    m_resume->setEnabled(canAct && session.isValid() &&
                         session.data(SessionListModel::StateRole).toString() ==
                             QLatin1String("active") &&
                         !session.data(SessionListModel::FrozenRole).toJsonObject().isEmpty());
    updateGrantChoice();
}

void SafetyController::updateGrantChoice()
{
    const QString id = m_window->selectedActionId();
    const ActionQueueModel::Row *row = m_backend->actions()->find(id);
    QString whyNot;
    if (!row || row->status != QLatin1String("pending"))
        whyNot = tr("Only a pending action can be granted.");
    else if (row->levelRank > 1)
        whyNot = tr("High and critical actions are never granted: each waits for a person.");
    else if (!grantableKind(row->kind))
        whyNot = tr("Only shell.exec, fs.write and mcp.tool_call actions can be granted.");
    else if (row->required > 1)
        whyNot = tr("An action that needs more than one approval is never granted.");
    else if (!m_backend->sessions()
                  ->session(row->session)
                  .value(QStringLiteral("frozen"))
                  .toObject()
                  .isEmpty())
        whyNot = tr("A circuit breaker tripped for this session: nothing of it is granted.");
    m_grantWhyNot = whyNot;
    // The box shows what the next approval sends, nothing else.
    if (m_backend->grantOffered(id) == 0 && m_grantChoice->currentIndex() != 0) {
        const QSignalBlocker block(m_grantChoice);
        m_grantChoice->setCurrentIndex(0);
    }
    const bool available = whyNot.isEmpty() && !m_readOnly && m_backend->isConnected();
    m_grantChoice->setEnabled(available);
    if (!available) {
        const QSignalBlocker block(m_grantChoice);
        m_grantChoice->setCurrentIndex(0);
        if (!id.isEmpty())
            m_backend->offerGrant({}, 0);
    }
    const QString tip =
        whyNot.isEmpty()
            ? tr("With Approve, also approve exact repeats of this action by the same agent "
                 "for this long (a standing grant, listed in the Grants tab)")
            : whyNot;
    m_grantChoice->setToolTip(tip);
    m_grantLabel->setToolTip(tip);
    m_grantLabel->setEnabled(available);
    // An mcp.tool_call's arguments, once its detail is here: which of them the grant compares.
    m_grantArguments->setAction(
        id, available && row ? m_backend->actions()->fullAction(id).value_or(QJsonObject())
                             : QJsonObject());
    m_grantArguments->setOffered(available && m_grantChoice->currentData().toInt() > 0);
}

void SafetyController::offerGrant()
{
    const QString id = m_window->selectedActionId();
    const int seconds = m_grantChoice->currentData().toInt();
    m_grantArguments->setOffered(seconds > 0 && m_grantChoice->isEnabled());
    m_backend->offerGrant(id, seconds,
                          m_grantArguments->actionId() == id ? m_grantArguments->chosen()
                                                             : QStringList());
}

void SafetyController::setRole(const QString &role)
{
    m_readOnly = role == QLatin1String("manager");
    const bool bulk = role != QLatin1String("manager") && role != QLatin1String("oncall");
    m_bulkApprove->setVisible(bulk);
    m_bulkReject->setVisible(bulk);
    m_resume->setVisible(!m_readOnly);
    m_grantChoice->parentWidget()->setVisible(!m_readOnly);
    m_grants->setReadOnly(m_readOnly);
    updateEnabled();
}

void SafetyController::onEvents(const QJsonArray &events)
{
    bool grantsChanged = false;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString type = e.value(QStringLiteral("type")).toString();
        grantsChanged = grantsChanged || type.startsWith(QLatin1String("grant.")) ||
                        type == QLatin1String("breaker.tripped");
        if (type != QLatin1String("breaker.tripped"))
            continue;
        const bool kill = e.value(QStringLiteral("action")).toString() == QLatin1String("kill");
        const QString agent = RevealedText::plain(e.value(QStringLiteral("agent")).toString());
        const QString rule = e.value(QStringLiteral("rule")).toString();
        const QString message = e.value(QStringLiteral("message")).toString();
        m_window->showProblem(kill
                                  ? tr("Circuit breaker %1 killed %2: %3").arg(rule, agent, message)
                                  : tr("Circuit breaker %1 froze %2: %3. Nothing of it is "
                                       "accepted until a person resumes it (sessions panel).")
                                        .arg(rule, agent, message));
    }
    if (grantsChanged && m_grants->isVisible())
        m_grants->refresh();
    m_notifier->handleEvents(events);
}

QString SafetyController::listForConfirmation(const QStringList &ids) const
{
    QStringList lines;
    for (const QString &id : ids) {
        if (lines.size() == 25) {
            lines.append(tr("… and %n more", nullptr, int(ids.size() - 25)));
            break;
        }
        const ActionQueueModel::Row *row = m_backend->actions()->find(id);
        lines.append(row ? QStringLiteral("• %1 · %2 · %3")
                               .arg(Labels::level(row->level).toUpper(),
                                    RevealedText::plain(row->agent, HiddenText::Lines::Single, 40),
                                    RevealedText::plain(row->title, HiddenText::Lines::Single, 80))
                         : QStringLiteral("• ") + id);
    }
    return lines.join(u'\n');
}

void SafetyController::bulkApprove()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty() || m_readOnly)
        return;
    if (Prompts::confirm(m_window, tr("Approve %n actions", nullptr, int(ids.size())),
                         tr("Approve these %n actions? Each gets its own decision and audit entry.",
                            nullptr, int(ids.size())) +
                             QStringLiteral("\n\n") + listForConfirmation(ids),
                         tr("Approve %n", nullptr, int(ids.size()))))
        m_safety->bulkDecide(ids, QStringLiteral("approve"));
}

void SafetyController::bulkReject()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty() || m_readOnly)
        return;
    const auto reason =
        Prompts::reason(m_window, tr("Reject %n actions", nullptr, int(ids.size())),
                        tr("Why are these %n actions rejected? Each agent receives this text.",
                           nullptr, int(ids.size())) +
                            QStringLiteral("\n\n") + listForConfirmation(ids));
    if (reason)
        m_safety->bulkDecide(ids, QStringLiteral("reject"), *reason);
}

void SafetyController::resumeSelected()
{
    const QModelIndex current = m_window->sessionsView()->currentIndex();
    const QString id = current.data(SessionListModel::IdRole).toString();
    const QJsonObject frozen = current.data(SessionListModel::FrozenRole).toJsonObject();
    if (id.isEmpty() || frozen.isEmpty())
        return;
    const QJsonObject session = m_backend->sessions()->session(id);
    QString text = tr("Resume the session of %1? It was frozen by the circuit breaker %2: %3. "
                      "Once resumed it may submit again.")
                       .arg(RevealedText::plain(session.value(QStringLiteral("agent")).toString()),
                            frozen.value(QStringLiteral("rule")).toString(),
                            frozen.value(QStringLiteral("message")).toString());
    const int required = frozen.value(QStringLiteral("required_resumes")).toInt(1);
    if (required > 1) {
        QStringList by;
        for (const QJsonValue &r : frozen.value(QStringLiteral("resumes")).toArray())
            by.append(r.toObject().value(QStringLiteral("by")).toString());
        text += QStringLiteral("\n\n") +
                (by.isEmpty() ? tr("This rule is critical: two different people must resume "
                                   "it. Yours is the first; a second person is needed.")
                              : tr("This rule is critical: two different people must resume it. "
                                   "Already resumed by: %1.")
                                    .arg(by.join(QStringLiteral(", "))));
    }
    if (Prompts::confirm(m_window, tr("Resume session"), text, tr("Resume")))
        m_safety->resume(id);
}

void SafetyController::openAction(const QString &id)
{
    if (id.isEmpty())
        return;
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
    m_window->tabs()->setCurrentIndex(0);
    m_openPending = id;
    if (!m_backend->actions()->find(id))
        m_backend->requestAction(id);
    tryOpenPending();
}

void SafetyController::tryOpenPending()
{
    if (m_openPending.isEmpty())
        return;
    const int source = m_backend->actions()->rowOf(m_openPending);
    if (source < 0)
        return; // not here yet: the fetch or the queue's load brings it
    auto *proxy = qobject_cast<QAbstractProxyModel *>(m_window->queueView()->model());
    QModelIndex index = proxy->mapFromSource(m_backend->actions()->index(source, 0));
    if (!index.isValid()) {
        // Filtered out (decided, or another filter): show every status and no other filter.
        QueueFilterBar *bar = m_window->filterBar();
        bar->status()->setCurrentIndex(bar->status()->findData(QString()));
        for (QComboBox *box : {bar->level(), bar->agent(), bar->kind()})
            box->setCurrentIndex(0);
        bar->search()->clear();
        index = proxy->mapFromSource(m_backend->actions()->index(source, 0));
        if (!index.isValid())
            return; // the filter applies later: tried again on the next change
    }
    m_openPending.clear();
    m_window->queueView()->setCurrentIndex(index);
    m_window->queueView()->scrollTo(index);
}

void SafetyController::openSession(const QString &id)
{
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
    selectSession(id);
}

void SafetyController::selectSession(const QString &id)
{
    QAbstractItemModel *model = m_window->sessionsView()->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(SessionListModel::IdRole).toString() == id) {
            m_window->sessionsView()->setCurrentIndex(model->index(r, 0));
            return;
        }
    }
}

void SafetyController::editNotifications()
{
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Notifications"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro = new QLabel(tr("Desktop notifications while the console is not the active "
                                "window. Clicking one opens what it is about."),
                             &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    Notifier::Levels levels = m_notifier->levels();
    const QList<std::pair<bool *, QString>> choices{
        {&levels.critical, tr("New critical actions")},
        {&levels.high, tr("New high-risk actions")},
        {&levels.medium, tr("New medium-risk actions")},
        {&levels.low, tr("New low-risk actions")},
        {&levels.breakers, tr("Circuit breaker trips")},
        {&levels.violations, tr("Receipt violations")},
        {&levels.liveness, tr("Supervisors that stop answering liveness checks")}};
    QList<QCheckBox *> boxes;
    for (const auto &[value, label] : choices) {
        auto *box = new QCheckBox(label, &dialog);
        box->setChecked(*value);
        layout->addWidget(box);
        boxes.append(box);
    }
    if (!m_notifier->sink()->available()) {
        auto *none = new QLabel(tr("This desktop has no notification area: nothing can be shown "
                                   "here."),
                                &dialog);
        none->setWordWrap(true);
        layout->addWidget(none);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    for (qsizetype i = 0; i < choices.size(); ++i)
        *choices[i].first = boxes[i]->isChecked();
    levels.save();
    m_notifier->setLevels(levels);
}

} // namespace interlock::ui
