#include "GrantsPanel.h"

#include "GrantListModel.h"
#include "SafetyBackend.h"

#include "../Prompts.h"
#include "../RevealedText.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace interlock::ui {

GrantsPanel::GrantsPanel(SafetyBackend *safety, QWidget *parent)
    : QWidget(parent)
    , m_safety(safety)
    , m_model(new GrantListModel(this))
    , m_view(new QTableView(this))
    , m_status(new QComboBox(this))
    , m_revoke(new QPushButton(tr("Revoke…"), this))
    , m_problem(new QLabel(this))
{
    m_status->addItem(tr("Active grants"), QStringLiteral("active"));
    m_status->addItem(tr("All grants"), QString());
    auto *refresh = new QPushButton(tr("Refresh"), this);
    auto *intro = new QLabel(tr("Standing grants approve exact repeats of one low or medium "
                                "action by the same agent until they expire."),
                             this);
    intro->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(intro, 1);
    top->addWidget(m_status);
    top->addWidget(refresh);
    top->addWidget(m_revoke);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->setItemDelegate(new RevealDelegate(m_view));
    installRevealedCopy(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(GrantListModel::Matches, QHeaderView::Stretch);

    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    m_problem->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_problem);
    layout->addWidget(m_view, 1);

    connect(refresh, &QPushButton::clicked, this, &GrantsPanel::refresh);
    connect(m_status, &QComboBox::currentIndexChanged, this, &GrantsPanel::refresh);
    connect(m_revoke, &QPushButton::clicked, this, &GrantsPanel::revokeSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &GrantsPanel::updateEnabled);
    connect(m_model, &QAbstractItemModel::modelReset, this, &GrantsPanel::updateEnabled);
    connect(safety, &SafetyBackend::grantsLoaded, this, [this](const QList<QJsonObject> &grants) {
        const QString keep = m_view->currentIndex().data(GrantListModel::IdRole).toString();
        m_problem->hide();
        m_model->reset(grants);
        for (int c = 0; c < GrantListModel::ColumnCount; ++c)
            if (c != GrantListModel::Matches)
                m_view->resizeColumnToContents(c);
        select(keep);
    });
    connect(safety, &SafetyBackend::grantsFailed, this, [this](const QString &message) {
        m_problem->setText(tr("The grants could not be loaded: %1").arg(message));
        m_problem->show();
    });
    updateEnabled();
}

void GrantsPanel::refresh()
{
    m_safety->loadGrants(m_status->currentData().toString());
}

void GrantsPanel::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_revoke->setVisible(!readOnly);
    updateEnabled();
}

QString GrantsPanel::problemText() const
{
    return m_problem->isHidden() ? QString() : m_problem->text();
}

bool GrantsPanel::select(const QString &id)
{
    for (int r = 0; !id.isEmpty() && r < m_model->rowCount(); ++r) {
        if (m_model->index(r, 0).data(GrantListModel::IdRole).toString() == id) {
            m_view->setCurrentIndex(m_model->index(r, 0));
            return true;
        }
    }
    return false;
}

void GrantsPanel::updateEnabled()
{
    const QModelIndex current = m_view->currentIndex();
    m_revoke->setEnabled(!m_readOnly && current.isValid() &&
                         current.data(GrantListModel::StatusRole).toString() ==
                             QLatin1String("active"));
}

void GrantsPanel::revokeSelected()
{
    const QModelIndex current = m_view->currentIndex();
    if (m_readOnly || !current.isValid())
        return;
    const QJsonObject g = m_model->grant(current.row());
    const QString id = g.value(QStringLiteral("id")).toString();
    if (Prompts::confirm(this, tr("Revoke grant"),
                         tr("Revoke the grant %1? From now on %2 asks again for: %3")
                             .arg(id,
                                  RevealedText::plain(g.value(QStringLiteral("agent")).toString()),
                                  GrantListModel::matches(g)),
                         tr("Revoke")))
        m_safety->revokeGrant(id);
}

} // namespace interlock::ui
