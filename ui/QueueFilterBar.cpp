#include "QueueFilterBar.h"

#include "ActionFilterModel.h"
#include "ActionQueueModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>

namespace interlock::ui {

QueueFilterBar::QueueFilterBar(ActionQueueModel *actions, ActionFilterModel *filter,
                               QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_search(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_level(new QComboBox(this))
    , m_agent(new QComboBox(this))
    , m_kind(new QComboBox(this))
    , m_refresh(new QTimer(this))
{
    m_search->setPlaceholderText(tr("Filter: agent, kind, title, target (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, filter, &ActionFilterModel::setText);

    for (const auto &[label, value] :
         {std::pair{tr("Pending"), QStringLiteral("pending")},
          std::pair{tr("Approved"), QStringLiteral("approved")},
          std::pair{tr("Rejected"), QStringLiteral("rejected")},
          std::pair{tr("Expired"), QStringLiteral("expired")},
          std::pair{tr("Cancelled"), QStringLiteral("cancelled")}, std::pair{tr("All"), QString()}})
        m_status->addItem(label, value);
    m_status->setToolTip(tr("Status"));
    connect(m_status, &QComboBox::currentIndexChanged, this, [this, filter] {
        filter->setStatus(statusValue());
        Q_EMIT statusChanged(statusValue());
    });

    m_level->setToolTip(tr("Show only actions at or above this risk level"));
    for (const QString &label :
         {tr("Any risk"), tr("Medium and up"), tr("High and up"), tr("Critical only")})
        m_level->addItem(label);
    connect(m_level, &QComboBox::currentIndexChanged, filter, &ActionFilterModel::setMinimumLevel);

    m_agent->setToolTip(tr("Agent"));
    m_kind->setToolTip(tr("Kind of action"));
    for (QComboBox *box : {m_agent, m_kind}) {
        // Agent-chosen names may be long: the box keeps its width, the list shows them whole.
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(16);
    }
    connect(m_agent, &QComboBox::currentIndexChanged, this,
            [this, filter] { filter->setAgent(m_agent->currentData().toString()); });
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this, filter] { filter->setKind(m_kind->currentData().toString()); });
    refreshChoices();

    // New agents and kinds join the lists; a burst of arrivals refreshes them once.
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(200);
    connect(m_refresh, &QTimer::timeout, this, &QueueFilterBar::refreshChoices);
    connect(actions, &QAbstractItemModel::modelReset, m_refresh, qOverload<>(&QTimer::start));
    connect(actions, &QAbstractItemModel::rowsInserted, m_refresh, qOverload<>(&QTimer::start));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_search, 3);
    for (QComboBox *box : {m_status, m_level, m_agent, m_kind})
        layout->addWidget(box);
}

QString QueueFilterBar::statusValue() const
{
    return m_status->currentData().toString();
}

void QueueFilterBar::refill(QComboBox *box, const QString &all, const QStringList &values)
{
    // The choice stays, even when no action of it is left (its filter then shows none).
    const QString chosen = box->currentData().toString();
    const QSignalBlocker quiet(box);
    box->clear();
    box->addItem(all, QString());
    for (const QString &v : values)
        box->addItem(v, v); // agent-supplied: QComboBox shows it as plain text
    if (!chosen.isEmpty() && box->findData(chosen) < 0)
        box->addItem(chosen, chosen);
    box->setCurrentIndex(qMax(0, box->findData(chosen)));
}

void QueueFilterBar::refreshChoices()
{
    refill(m_agent, tr("All agents"), m_actions->agents());
    refill(m_kind, tr("All kinds"), m_actions->kinds());
}

} // namespace interlock::ui
