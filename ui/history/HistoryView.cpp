#include "HistoryView.h"

#include "HistoryCharts.h"
#include "HistoryModel.h"
#include "client/ApiClient.h"
#include "ui/Labels.h"
#include "ui/RevealedText.h"
#include "ui/diff/DiffView.h"

#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QNetworkReply>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
QString pretty(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented));
}
} // namespace

HistoryView::HistoryView(ApiClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new HistoryModel(client, this))
    , m_from(new QDateEdit(QDate::currentDate().addDays(-30), this))
    , m_to(new QDateEdit(QDate::currentDate(), this))
    , m_agent(new QLineEdit(this))
    , m_reviewer(new QLineEdit(this))
    , m_outcome(new QComboBox(this))
    , m_risk(new QSpinBox(this))
    , m_table(new QTableView(this))
    , m_decision(new AgentTextLabel(8, this))
    , m_diff(new DiffView(this))
    , m_charts(new HistoryCharts(this))
    , m_verify(new QLabel(this))
    , m_export(new QLabel(this))
    , m_readError(new QLabel(this))
    , m_exportButton(new QPushButton(tr("Export…"), this))
{
    for (QDateEdit *d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_agent->setPlaceholderText(tr("any agent"));
    m_reviewer->setPlaceholderText(tr("any reviewer"));
    m_agent->setClearButtonEnabled(true);
    m_reviewer->setClearButtonEnabled(true);
    for (const auto &[label, value] : {std::pair{tr("Any outcome"), QString()},
                                       std::pair{tr("Approved"), QStringLiteral("approved")},
                                       std::pair{tr("Edited"), QStringLiteral("edited")},
                                       std::pair{tr("Rejected"), QStringLiteral("rejected")},
                                       std::pair{tr("Expired"), QStringLiteral("expired")},
                                       std::pair{tr("Cancelled"), QStringLiteral("cancelled")}})
        m_outcome->addItem(label, value);
    m_risk->setRange(0, 100);
    m_risk->setPrefix(tr("risk ≥ "));
    for (QLabel *l : {m_verify, m_export, m_readError}) {
        l->setTextFormat(Qt::PlainText);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    auto *applyButton = new QPushButton(tr("Apply"), this);
    applyButton->setDefault(true);
    connect(applyButton, &QPushButton::clicked, this, &HistoryView::apply);
    for (QLineEdit *e : {m_agent, m_reviewer})
        connect(e, &QLineEdit::returnPressed, this, &HistoryView::apply);
    connect(m_exportButton, &QPushButton::clicked, this, &HistoryView::chooseExport);
    auto *verifyButton = new QPushButton(tr("Verify integrity"), this);
    verifyButton->setToolTip(tr("Walk the hash-chained audit log on the server and show its head"));
    connect(verifyButton, &QPushButton::clicked, this, &HistoryView::verify);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("From"), this));
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(tr("to"), this));
    filters->addWidget(m_to);
    filters->addWidget(m_agent);
    filters->addWidget(m_reviewer);
    filters->addWidget(m_outcome);
    filters->addWidget(m_risk);
    filters->addWidget(applyButton);
    filters->addStretch(1);
    filters->addWidget(m_exportButton);
    filters->addWidget(verifyButton);

    m_table->setModel(m_model);
    m_table->setItemDelegate(new RevealDelegate(m_table));
    installRevealedCopy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Title, QHeaderView::Stretch);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HistoryView::showSelected);
    connect(m_model, &HistoryModel::pageLoaded, this, [this] {
        m_readError->hide();
        m_readError->clear();
        if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0)
            m_table->setCurrentIndex(m_model->index(0, 0));
    });
    m_readError->setStyleSheet(QStringLiteral("color: #b91c1c; font-weight: bold;"));
    connect(m_model, &HistoryModel::failed, this, [this](const QString &message) {
        m_readError->setText(tr("The history could not be read, so no part of it is shown: %1. "
                                "Apply tries again.")
                                 .arg(message));
        m_readError->show();
    });

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_decision);
    detailLayout->addWidget(new QLabel(tr("What the agent asked for (left) and what was approved "
                                          "(right)"),
                                       this));
    detailLayout->addWidget(m_diff, 1);
    m_diff->setMode(DiffView::Mode::SideBySide);
    auto *split = new QSplitter(this);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *tabs = new QTabWidget(this);
    m_tabs = tabs;
    tabs->addTab(split, tr("Decisions"));
    tabs->addTab(m_charts, tr("Charts"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_verify);
    layout->addWidget(m_export);
    layout->addWidget(m_readError);
    layout->addWidget(tabs, 1);
    m_verify->hide();
    m_export->hide();
    m_readError->hide();
}

QString HistoryView::filterQuery() const
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("from"), m_from->date().toString(Qt::ISODate));
    q.addQueryItem(QStringLiteral("to"), m_to->date().toString(Qt::ISODate));
    if (!m_agent->text().trimmed().isEmpty())
        q.addQueryItem(QStringLiteral("agent"), m_agent->text().trimmed());
    if (!m_reviewer->text().trimmed().isEmpty())
        q.addQueryItem(QStringLiteral("reviewer"), m_reviewer->text().trimmed());
    if (!m_outcome->currentData().toString().isEmpty())
        q.addQueryItem(QStringLiteral("status"), m_outcome->currentData().toString());
    if (m_risk->value() > 0)
        q.addQueryItem(QStringLiteral("risk_min"), QString::number(m_risk->value()));
    return q.toString(QUrl::FullyEncoded);
}

void HistoryView::setFilters(const QString &agent, const QString &reviewer, const QString &outcome,
                             int riskMin)
{
    m_agent->setText(agent);
    m_reviewer->setText(reviewer);
    m_outcome->setCurrentIndex(qMax(0, m_outcome->findData(outcome)));
    m_risk->setValue(riskMin);
}

void HistoryView::apply()
{
    m_model->setQuery(filterQuery());
    loadStats();
}

void HistoryView::loadStats()
{
    const QString range =
        QStringLiteral("from=%1&to=%2")
            .arg(m_from->date().toString(Qt::ISODate), m_to->date().toString(Qt::ISODate));
    m_client.request("GET", QStringLiteral("/v1/stats?") + range, std::nullopt,
                     [this](const ApiResult &r) {
                         if (r.ok())
                             m_charts->setStats(r.body);
                         Q_EMIT statsLoaded();
                     });
}

void HistoryView::showSelected()
{
    const QJsonObject a = m_model->item(m_table->currentIndex().row());
    if (a.isEmpty()) {
        m_decision->setOwnText({});
        m_diff->clear();
        return;
    }
    const QJsonObject decision = a.value(QStringLiteral("decision")).toObject();
    QStringList approvals;
    for (const QJsonValue &v : a.value(QStringLiteral("approvals")).toArray())
        approvals.append(
            QStringLiteral("%1 (%2)").arg(v.toObject().value(QStringLiteral("by")).toString(),
                                          v.toObject().value(QStringLiteral("at")).toString()));
    QString text = tr("%1 · %2 by %3 at %4, %5 after it was submitted.")
                       .arg(RevealedText::plain(a.value(QStringLiteral("title")).toString()),
                            Labels::status(a.value(QStringLiteral("outcome")).toString()),
                            a.value(QStringLiteral("decided_by")).toString(),
                            a.value(QStringLiteral("decided_at")).toString(),
                            HistoryModel::duration(
                                qint64(a.value(QStringLiteral("time_to_decision_ms")).toDouble())));
    if (!approvals.isEmpty())
        text += u'\n' + tr("Approvals: %1").arg(approvals.join(QStringLiteral(", ")));
    const QString comment = decision.value(QStringLiteral("comment")).toString();
    if (!comment.isEmpty())
        text += u'\n' + tr("Comment: %1").arg(comment);
    const QJsonObject cancellation = a.value(QStringLiteral("cancellation")).toObject();
    if (!cancellation.isEmpty())
        text += u'\n' + tr("Cancelled by %1 at %2: %3")
                            .arg(cancellation.value(QStringLiteral("by")).toString(),
                                 cancellation.value(QStringLiteral("at")).toString(),
                                 cancellation.value(QStringLiteral("reason")).toString());
    // The risk of what was decided (an edit's), and the submission's when it differs.
    const QModelIndex risk = m_model->index(m_table->currentIndex().row(), HistoryModel::Risk);
    text += u'\n' + tr("Risk of what was decided: %1").arg(risk.data().toString());
    const bool edited = a.contains(QStringLiteral("approved_payload"));
    text += u'\n' + (edited ? tr("The reviewer edited the payload before approving it.")
                            : tr("No edit: what was decided is exactly what the agent submitted."));
    m_decision->setAgentText(text, HiddenText::Lines::Multi);
    const QString submitted = pretty(a.value(QStringLiteral("payload")));
    // The whole payload on both sides (payloads are small): what was decided, in full.
    m_diff->setTexts(QStringLiteral("payload.json"), submitted,
                     edited ? pretty(a.value(QStringLiteral("approved_payload"))) : submitted,
                     true);
}

void HistoryView::showCharts()
{
    m_tabs->setCurrentWidget(m_charts);
}

QString HistoryView::decisionText() const
{
    return m_decision->text();
}

QString HistoryView::readErrorText() const
{
    return m_readError->text();
}

QString HistoryView::verifyText() const
{
    return m_verify->text();
}

QString HistoryView::exportText() const
{
    return m_export->text();
}

void HistoryView::verify()
{
    m_verify->show();
    m_verify->setStyleSheet({});
    m_verify->setText(tr("Verifying the audit chain…"));
    m_client.request(
        "GET", QStringLiteral("/v1/audit/verify"), std::nullopt,
        [this](const ApiResult &r) {
            const bool ok = r.ok() && r.body.value(QStringLiteral("ok")).toBool();
            if (!r.ok()) {
                m_verify->setText(tr("Could not verify: %1").arg(r.describe()));
            } else if (ok) {
                m_verify->setText(tr("Intact: %1 audit entries, head hash %2")
                                      .arg(QLocale().toString(
                                               r.body.value(QStringLiteral("entries")).toInteger()),
                                           r.body.value(QStringLiteral("head")).toString()));
            } else {
                m_verify->setText(
                    tr("NOT INTACT: entry %1: %2. The history may have been altered.")
                        .arg(r.body.value(QStringLiteral("first_bad_seq")).toInteger())
                        .arg(r.body.value(QStringLiteral("reason")).toString()));
            }
            m_verify->setStyleSheet(ok ? QStringLiteral("color: #15803d; font-weight: bold;")
                                       : QStringLiteral("color: #b91c1c; font-weight: bold;"));
            Q_EMIT verified(ok);
        },
        {}, 600000);
}

void HistoryView::chooseExport()
{
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export history"),
                                                      QStringLiteral("interlock-history.csv"),
                                                      tr("CSV (*.csv);;JSON (*.json)"), &filter);
    if (path.isEmpty())
        return;
    exportTo(path, path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ||
                           filter.contains(QLatin1String("json"))
                       ? QStringLiteral("json")
                       : QStringLiteral("csv"));
}

void HistoryView::exportTo(const QString &path, const QString &format)
{
    auto *file = new QFile(path + QStringLiteral(".part"), this);
    m_export->show();
    if (!file->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_export->setText(tr("Cannot write %1: %2").arg(path, file->errorString()));
        delete file;
        Q_EMIT exported(false);
        return;
    }
    m_exportButton->setEnabled(false);
    m_export->setText(tr("Exporting…"));
    m_client.download(
        QStringLiteral("/v1/history/export?format=%1&").arg(format) + filterQuery(), file,
        [this](qint64 bytes) {
            m_export->setText(tr("Exporting… %1").arg(QLocale().formattedDataSize(bytes)));
        },
        [this, file, path](const ApiResult &r) {
            m_exportButton->setEnabled(true);
            bool ok = r.ok() && file->flush();
            const qint64 size = file->size();
            file->close();
            // Written under a temporary name and renamed at the end: a failed export never
            // leaves a file that looks complete.
            if (ok) {
                QFile::remove(path);
                ok = file->rename(path);
            } else {
                file->remove();
            }
            file->deleteLater();
            m_export->setText(
                ok ? tr("Exported %1 to %2").arg(QLocale().formattedDataSize(size), path)
                   : tr("Export failed: %1")
                         .arg(r.ok() ? tr("cannot write the file") : r.describe()));
            Q_EMIT exported(ok);
        });
}

} // namespace interlock::ui
